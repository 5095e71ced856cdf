import { apiFetch } from "./api.js";

const box = document.getElementById("projects");

function render(projects) {
  box.replaceChildren();
  if (!projects.length) {
    const p = document.createElement("p");
    p.textContent = "You are not a member of any project yet.";
    box.append(p);
    return;
  }
  const list = document.createElement("ul");
  list.className = "project-list";
  for (const project of projects) {
    const item = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = project.name;
    const role = document.createElement("span");
    role.className = "badge";
    role.textContent = project.my_role || "";
    item.append(name, " ", role);
    list.append(item);
  }
  box.append(list);
}

const { ok, data } = await apiFetch(box.dataset.api);
if (ok) render(data.results ?? data);
else box.textContent = "Could not load your projects.";
