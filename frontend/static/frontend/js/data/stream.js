// Read an export answer as JSON Lines, one record at a time, without holding the whole
// answer: the preview keeps the first rows and the timeline only counts.

/**
 * GET `url` and call `onRecord(record)` for each line.
 * @returns {Promise<{ok: boolean, status: number, count: number, detail?: string}>}
 */
export async function readJsonLines(url, onRecord, { signal } = {}) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/x-ndjson, application/json" }, signal });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    return { ok: false, status: 0, count: 0, detail: String(error) };
  }
  if (!response.ok) {
    let detail = "";
    try {
      detail = (await response.json()).detail || "";
    } catch {
      /* not JSON */
    }
    return { ok: false, status: response.status, count: 0, detail };
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let count = 0;
  const take = (line) => {
    if (!line.trim()) return;
    const record = JSON.parse(line);
    if (record.retracted) return;
    count += 1;
    onRecord(record);
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let at = buffer.indexOf("\n");
    while (at !== -1) {
      take(buffer.slice(0, at));
      buffer = buffer.slice(at + 1);
      at = buffer.indexOf("\n");
    }
  }
  take(buffer);
  return { ok: true, status: response.status, count };
}
