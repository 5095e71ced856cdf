// The one place the pages talk to the server: same-origin fetch with the session cookie
// and the CSRF token for writes. Never throws: a network failure is status 0.

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/**
 * @returns {Promise<{ok: boolean, status: number, data: any, headers: Headers | null}>}
 */
export async function apiFetch(url, { method = "GET", body, headers = {}, keepalive = false, signal } = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers }, keepalive, signal };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (method !== "GET" && method !== "HEAD") init.headers["X-CSRFToken"] = csrfToken();
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    return { ok: false, status: 0, data: { code: "network", detail: String(error) }, headers: null };
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { code: "not_json", detail: text.slice(0, 200) };
  }
  return { ok: response.ok, status: response.status, data, headers: response.headers };
}
