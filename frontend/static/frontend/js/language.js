// The language menu of every page: choosing a language submits its form at once. A module
// rather than an inline onchange attribute, which the Content-Security-Policy
// (script-src 'self') refuses to run.

const select = document.getElementById("lang-select");
if (select) {
  select.addEventListener("change", () => select.form.submit());
}
