// The coder's queue (/queue/): assigned articles with status and progress, search, a status
// filter and "continue where I left off" (the in-progress article worked on most recently,
// which the API lists first).

import { apiFetch } from "./api.js";
import { formatDate, formatDateTime, t, colon } from "./i18n.js";
import { formatDuration } from "./time-on-task.js";

const $ = (id) => document.getElementById(id);
const STATUS = () => ({ assigned: t("Not started"), in_progress: t("In progress"), submitted: t("Submitted") });
const STATUS_ICON = { assigned: "○", in_progress: "◐", submitted: "●" };

let next = null;
let generation = 0;

function codeUrl(item) {
  return `/code/${item.id}/`;
}

function row(item) {
  const tr = document.createElement("tr");
  tr.dataset.status = item.status;
  const title = document.createElement("td");
  const link = document.createElement("a");
  link.href = codeUrl(item);
  link.dir = "auto";
  link.textContent = item.article.title || t("(untitled)");
  title.append(link);
  const source = document.createElement("td");
  const sourceName = document.createElement("bdi");
  sourceName.textContent = item.article.source || "—";
  source.append(sourceName);
  const published = document.createElement("td");
  if (item.article.published_at) {
    const time = document.createElement("time");
    time.dateTime = item.article.published_at;
    time.textContent = formatDate(item.article.published_at);
    published.append(time);
  } else published.textContent = "—";
  const lang = document.createElement("td");
  lang.textContent = item.article.language || "—";
  const status = document.createElement("td");
  const icon = document.createElement("span");
  icon.setAttribute("aria-hidden", "true");
  icon.className = `status-icon status-${item.status}`;
  icon.textContent = STATUS_ICON[item.status] || "";
  status.append(icon, " ", STATUS()[item.status] || item.status);
  const events = document.createElement("td");
  events.textContent = String(item.n_events ?? 0);
  const last = document.createElement("td");
  last.textContent = formatDateTime(item.last_activity) || "—";
  const action = document.createElement("td");
  const open = document.createElement("a");
  open.className = "button";
  open.href = codeUrl(item);
  open.textContent = item.status === "submitted" ? t("View") : item.status === "in_progress" ? t("Continue") : t("Start");
  open.setAttribute("aria-label", `${open.textContent}${colon()} ${item.article.title}`);
  action.append(open);
  tr.append(title, source, published, lang, status, events, last, action);
  return tr;
}

function showContinue(item) {
  const box = $("continue");
  if (!item || item.status !== "in_progress") {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.replaceChildren();
  const p = document.createElement("p");
  p.append(t("Continue where you left off:"), " ");
  const link = document.createElement("a");
  link.className = "button primary";
  link.href = codeUrl(item);
  link.id = "continue-link";
  const title = document.createElement("bdi");
  title.textContent = item.article.title;
  link.append(title);
  p.append(link);
  box.append(p);
}

async function load({ append = false } = {}) {
  const mine = ++generation;
  const params = new URLSearchParams();
  const search = $("queue-search").value.trim();
  const status = $("queue-status").value;
  if (search) params.set("search", search);
  if (status) params.set("status", status);
  const url = append && next ? next : `/api/v1/me/assignments/?${params}`;
  const response = await apiFetch(url);
  if (mine !== generation) return;
  if (!response.ok) {
    $("queue-status-text").textContent = t("Could not load your queue.");
    return;
  }
  const { results, count } = response.data;
  next = response.data.next;
  const body = $("queue-body");
  if (!append) body.replaceChildren();
  for (const item of results) body.append(row(item));
  $("queue-table").hidden = body.children.length === 0;
  $("queue-more").hidden = !next;
  $("queue-status-text").textContent = count ? t("Articles shown: {n} of {total}", { n: body.children.length, total: count }) : t("No assigned articles match.");
  if (!append && !search && !status) showContinue(results[0]);
}

async function loadProgress() {
  const [all, done] = await Promise.all([
    apiFetch("/api/v1/me/assignments/?page_size=1"),
    apiFetch("/api/v1/me/assignments/?page_size=1&status=submitted"),
  ]);
  if (!all.ok || !done.ok) return;
  const total = all.data.count;
  const submitted = done.data.count;
  $("progress").max = Math.max(total, 1);
  $("progress").value = submitted;
  $("progress-text").textContent = t("{done} of {total} submitted", { done: submitted, total });
}

/** The coder's own active time today and this week (Monday on), from /api/v1/me/time/. */
async function loadMyTime() {
  const response = await apiFetch("/api/v1/me/time/");
  if (!response.ok) return;
  const now = new Date();
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const today = iso(now);
  const monday = new Date(now);
  monday.setDate(now.getDate() - ((now.getDay() + 6) % 7));
  const weekStart = iso(monday);
  let day = 0;
  let week = 0;
  for (const row of response.data.days) {
    if (row.day === today) day += row.seconds;
    if (row.day >= weekStart) week += row.seconds;
  }
  const box = $("my-time");
  box.textContent = t("Your active time today: {today}; this week: {week}", { today: formatDuration(day), week: formatDuration(week) });
  box.hidden = false;
}

let timer = null;
$("queue-search").addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => load(), 250);
});
$("queue-status").addEventListener("change", () => load());
$("queue-more").addEventListener("click", () => load({ append: true }));
document.addEventListener("keydown", (e) => {
  if (e.code === "Slash" && !e.target.closest("input, textarea, select")) {
    e.preventDefault();
    $("queue-search").focus();
  }
});

await Promise.all([load(), loadProgress(), loadMyTime()]);
document.body.dataset.ready = "true";
