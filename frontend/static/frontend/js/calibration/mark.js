// The supervisor's calibration control on the side-by-side page of a validated article:
// mark the article as a calibration item, or remove the mark. Its strings come translated
// in the box's data attributes; the API decides (and refuses) for real.
import { apiFetch } from "../api.js";

const box = document.getElementById("calibration-box");
const button = document.getElementById("btn-calibration");
const announce = document.getElementById("announce");

function render() {
  const active = box.dataset.active === "1";
  button.textContent = active ? box.dataset.labelUnmark : box.dataset.labelMark;
  button.setAttribute("aria-pressed", active ? "true" : "false");
}

async function toggle() {
  const active = box.dataset.active === "1";
  const base = `/api/v1/projects/${box.dataset.project}/calibration/items/`;
  button.disabled = true;
  const answer = active
    ? await apiFetch(`${base}${box.dataset.article}/`, { method: "DELETE" })
    : await apiFetch(base, { method: "POST", body: { article: Number(box.dataset.article) } });
  button.disabled = false;
  if (!answer.ok) {
    announce.textContent = `${box.dataset.refused} ${(answer.data && answer.data.detail) || ""}`;
    return;
  }
  box.dataset.active = answer.data.active ? "1" : "0";
  announce.textContent = answer.data.active ? box.dataset.doneMark : box.dataset.doneUnmark;
  render();
}

if (box && button) {
  render();
  button.addEventListener("click", toggle);
}
