// The supervisors' import page (/projects/<id>/import/): upload a file; the server imports a
// small one in the request and answers with the finished job (201), or stores a larger one
// and answers at once with a job (202), which a worker imports. The page then polls the job's
// url until it is done or failed, shows its progress (rows and bytes read), then its report: the
// articles created, the duplicates, the assignments, and every problem listed by the server
// (a failed job imported nothing). Recent imports are listed below the form.

import { $, el, focusOn, formatInteger, readBoot } from "../dom.js";
import { t } from "../i18n.js";

const boot = readBoot();
const projectId = boot.project.id;
const POLL_MS = 500;
let polling = 0;

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function getJson(url) {
  try {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    return { ok: response.ok, status: response.status, data: await response.json() };
  } catch (error) {
    return { ok: false, status: 0, data: { detail: String(error) } };
  }
}

async function upload(form) {
  const data = new FormData();
  data.append("file", $("import-file").files[0]);
  if ($("import-format").value) data.append("format", $("import-format").value);
  const query = $("import-skip").checked ? "?skip_invalid=true" : "";
  try {
    const response = await fetch(`/api/v1/projects/${projectId}/articles/import/${query}`, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    });
    let body = null;
    try { body = await response.json(); } catch { body = { detail: response.statusText }; }
    return { ok: response.ok, status: response.status, data: body };
  } catch (error) {
    return { ok: false, status: 0, data: { detail: String(error) } };
  }
}

function statusLine(job) {
  if (job.status === "queued") return t("Waiting for a worker…");
  if (job.status === "running") return t("Importing… Rows read: {rows}", { rows: formatInteger(job.rows_read) });
  if (job.status === "done") return t("Done. New articles: {n}", { n: formatInteger(job.result.created) });
  return t("Failed: nothing was imported.");
}

function problemsTable(errors) {
  if (!errors || !errors.length) return null;
  return el("div", { class: "table-wrap" }, el("table", { class: "figures", id: "job-errors" },
    el("caption", { text: t("Problems found") }),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col", text: t("Where") }),
      el("th", { scope: "col", text: t("Field") }),
      el("th", { scope: "col", text: t("Problem") }))),
    el("tbody", {}, ...errors.map((e) => el("tr", {},
      el("td", { dir: "auto", text: e.location }),
      el("td", { dir: "ltr", text: e.field || "—" }),
      el("td", { dir: "auto", text: e.reason || e.message || "" }))))));
}

function report(job) {
  const box = $("job-report");
  box.replaceChildren();
  if (job.status === "done") {
    const r = job.result;
    box.append(el("ul", { class: "plain-list", id: "job-summary" },
      el("li", { text: t("New articles: {n}", { n: formatInteger(r.created) }) }),
      el("li", { text: t("Already in the project or twice in the file: {n}", { n: formatInteger(r.duplicates.length) }) }),
      el("li", { text: t("Assignments created: {n}", { n: formatInteger(r.assignments_created) }) }),
      r.errors_total ? el("li", { text: t("Rows skipped for problems: {n}", { n: formatInteger(r.errors_total) }) }) : null));
    box.append(problemsTable(r.errors) || "");
  } else if (job.status === "failed") {
    const e = job.error;
    box.append(el("div", { class: "warning", role: "alert", id: "job-error" },
      el("p", { dir: "auto", text: e.detail }),
      e.errors_total > (e.errors || []).length
        ? el("p", { text: t("Problems listed here: the first {n}.", { n: formatInteger((e.errors || []).length) }) })
        : null));
    box.append(problemsTable(e.errors) || "");
  }
}

function show(job) {
  $("job").hidden = false;
  $("job-title").textContent = t("Import of {file}", { file: job.filename });
  $("job-status").textContent = statusLine(job);
  const bar = $("job-progress");
  bar.value = job.status === "done" || job.status === "failed" ? 100 : job.size ? Math.floor((100 * job.bytes_read) / job.size) : 0;
  report(job);
}

async function follow(url) {
  const mine = ++polling;
  for (;;) {
    const answer = await getJson(url);
    if (mine !== polling) return;
    if (!answer.ok) {
      $("job-status").textContent = t("Could not read the import's state; trying again…");
    } else {
      show(answer.data);
      if (answer.data.status === "done" || answer.data.status === "failed") {
        focusOn($("job-title"));
        $("import-submit").disabled = false;
        await loadRecent();
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function recentRow(job) {
  return el("tr", {},
    el("td", { dir: "auto" }, el("a", { href: "#", text: job.filename, onclick: (event) => { event.preventDefault(); follow(job.url); } })),
    el("td", { text: statusLine(job) }),
    el("td", { dir: "ltr", text: new Date(job.created_at).toLocaleString() }),
    el("td", { dir: "auto", text: job.created_by }));
}

function renderRecent(jobs) {
  const table = $("recent-table");
  table.replaceChildren(
    el("thead", {}, el("tr", {},
      el("th", { scope: "col", text: t("File") }),
      el("th", { scope: "col", text: t("State") }),
      el("th", { scope: "col", text: t("Uploaded") }),
      el("th", { scope: "col", text: t("By") }))),
    el("tbody", {}, ...jobs.map(recentRow)));
  if (!jobs.length) table.append(el("caption", { text: t("No import yet.") }));
}

async function loadRecent() {
  const answer = await getJson(`/api/v1/projects/${projectId}/imports/`);
  if (answer.ok) renderRecent(answer.data);
}

$("import-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = $("import-file").files[0];
  if (!file) return;
  $("import-submit").disabled = true;
  $("job").hidden = false;
  $("job-title").textContent = t("Import of {file}", { file: file.name });
  $("job-report").replaceChildren();
  $("job-progress").value = 0;
  $("job-status").textContent = t("Uploading…");
  const answer = await upload(event.target);
  if (answer.status === 201) { // imported in the request: the job is done or failed
    polling++;
    show(answer.data);
    focusOn($("job-title"));
    $("import-submit").disabled = false;
    await loadRecent();
    return;
  }
  if (answer.status === 202) {
    show(answer.data);
    follow(answer.data.url);
    return;
  }
  $("import-submit").disabled = false;
  $("job-status").textContent = t("The upload was refused: nothing was imported.");
  $("job-report").replaceChildren(el("div", { class: "warning", role: "alert", id: "job-error" },
    el("p", { dir: "auto", text: (answer.data && answer.data.detail) || String(answer.status) })));
});

renderRecent(boot.jobs);
const live = boot.jobs.find((job) => job.status === "queued" || job.status === "running");
if (live) follow(live.url);
document.body.dataset.ready = "true";
