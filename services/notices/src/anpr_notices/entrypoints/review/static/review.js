// Review queue: everything goes through the notices JSON API with the reviewer's bearer token, so roles
// and the audit log apply. The token lives in sessionStorage only (gone when the tab closes).
"use strict";

const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem("anpr-token") || "", queue: [], index: -1, current: null, urls: [] };
const REASON_KEYS = ["misread", "exempt", "emergency_vehicle", "sign_not_visible", "not_in_zone", "duplicate", "other"];

async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${state.token}`, "X-Purpose": "review", ...(options.headers || {}) };
  const response = await fetch(path, { ...options, headers });
  if (!response.ok) {
    let detail = response.statusText;
    try { const body = await response.json(); detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail); } catch (_) { /* not JSON */ }
    throw new Error(`${response.status}: ${detail}`);
  }
  return response;
}

const idOf = (c) => c.candidate_id || c.id;

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

async function loadQueue() {
  const params = new URLSearchParams({ limit: "200" });
  for (const [key, field] of [["status", "f-status"], ["regime", "f-regime"], ["location", "f-location"]]) {
    const value = $(field).value.trim();
    if (value) params.set(key, value);
  }
  try {
    state.queue = await (await api(`/v1/candidates?${params}`)).json();
  } catch (error) {
    say(`Wachtrij niet geladen (${error.message})`, true);
    return;
  }
  renderQueue();
  await show(state.queue.length ? 0 : -1);
}

function renderQueue() {
  const list = $("queue");
  list.replaceChildren(...state.queue.map((c, i) => {
    const item = document.createElement("li");
    item.dataset.index = String(i);
    item.textContent = c.formatted || c.plate;
    const small = document.createElement("small");
    small.textContent = `${c.regime_id} · ${new Date(c.observed_at).toLocaleString("nl-NL")} · ${c.status}`;
    item.append(small);
    item.addEventListener("click", () => show(i));
    return item;
  }));
  $("queue-empty").hidden = state.queue.length > 0;
}

async function show(index) {
  state.urls.forEach(URL.revokeObjectURL);
  state.urls = [];
  state.index = index;
  document.querySelectorAll("#queue li").forEach((li) => li.classList.toggle("current", Number(li.dataset.index) === index));
  $("detail").hidden = index < 0;
  $("reject-form").hidden = true;
  $("correct-form").hidden = true;
  $("photo-frame").classList.remove("zoomed");
  $("photo-inner").style.transform = "";
  if (index < 0) { state.current = null; return; }
  const candidate = await (await api(`/v1/candidates/${idOf(state.queue[index])}`)).json();
  state.current = candidate;
  $("plate").textContent = candidate.formatted || candidate.plate;
  $("country").textContent = `${candidate.country || "land onbekend"} · zekerheid ${Math.round(candidate.confidence * 100)}%`;
  $("meta").textContent = `${new Date(candidate.observed_at).toLocaleString("nl-NL")} · ${candidate.location_id || "?"} · camera ${candidate.camera_id || "?"} · ${candidate.regime_id} v${candidate.regime_version} (${candidate.mode})`;
  $("status-line").textContent = `Status: ${candidate.status}${candidate.enforceable === false ? " · alleen beoordeling, geen boete mogelijk" : ""}${candidate.fine_eur ? ` · € ${candidate.fine_eur}` : ""}`;
  $("status-line").className = candidate.enforceable === false ? "review-only" : "";
  fillList("explanation", candidate.explanation || []);
  fillVehicle(candidate.vehicle || {});
  fillList("decisions", (candidate.decisions || []).map((d) => `${d.by || d.decided_by} — ${d.decision}${d.reason ? ` (${d.reason})` : ""}${d.corrected_plate ? ` → ${d.corrected_plate}` : ""} · ${new Date(d.at || d.decided_at).toLocaleString("nl-NL")}`));
  await showEvidence(candidate);
  say("");
}

function fillList(id, lines) {
  $(id).replaceChildren(...lines.map((line) => { const li = document.createElement("li"); li.textContent = line; return li; }));
}

function fillVehicle(vehicle) {
  $("vehicle").replaceChildren(...Object.entries(vehicle).filter(([, v]) => v !== null && v !== "").map(([k, v]) => {
    const row = document.createElement("tr");
    for (const text of [k.replaceAll("_", " "), String(v)]) { const td = document.createElement("td"); td.textContent = text; row.append(td); }
    return row;
  }));
}

async function showEvidence(candidate) {
  const id = idOf(candidate);
  for (const [kind, img] of [["overview", $("overview")], ["plate", $("plate-crop")]]) {
    try {
      const blob = await (await api(`/v1/candidates/${id}/evidence/${kind}`)).blob();
      const url = URL.createObjectURL(blob);
      state.urls.push(url);
      img.src = url;
      img.hidden = false;
    } catch (_) {
      img.removeAttribute("src");
      img.hidden = true;
    }
  }
  const overview = $("overview");
  $("photo-frame").hidden = overview.hidden;  // a read from a system without photos: nothing to show
  const place = () => placeBox(candidate.box, overview);
  if (overview.complete) place(); else overview.onload = place;
}

function placeBox(box, img) {
  // The box sits in the unzoomed picture's coordinates; zoom scales picture and box together.
  const marker = $("plate-box");
  if (!box || !img.naturalWidth) { marker.hidden = true; return; }
  const scale = img.clientWidth / img.naturalWidth;
  const [x0, y0, x1, y1] = box;
  marker.hidden = false;
  marker.style.left = `${x0 * scale}px`;
  marker.style.top = `${y0 * scale}px`;
  marker.style.width = `${(x1 - x0) * scale}px`;
  marker.style.height = `${(y1 - y0) * scale}px`;
}

function toggleZoom() {
  const frame = $("photo-frame");
  const inner = $("photo-inner");
  const img = $("overview");
  const box = state.current && state.current.box;
  frame.classList.toggle("zoomed");
  if (frame.classList.contains("zoomed") && box && img.naturalWidth) {
    // Twice as large around the plate: readable, with the car and the sign still around it.
    const scale = img.clientWidth / img.naturalWidth;
    inner.style.transformOrigin = `${((box[0] + box[2]) / 2) * scale}px ${((box[1] + box[3]) / 2) * scale}px`;
    inner.style.transform = "scale(2)";
  } else {
    inner.style.transform = "";
  }
}

async function decide(body) {
  if (!state.current) return;
  try {
    const result = await (await api(`/v1/candidates/${idOf(state.current)}/decision`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    })).json();
    state.queue[state.index] = { ...state.queue[state.index], status: result.status };
    renderQueue();
    const decided = `${state.current.formatted || state.current.plate}: ${result.status}`;
    if (state.index + 1 < state.queue.length) await next(); else await show(state.index);  // last: show the outcome
    say(decided);
  } catch (error) {
    say(`Niet opgeslagen (${error.message})`, true);
  }
}

async function next() { if (state.index + 1 < state.queue.length) await show(state.index + 1); }
async function previous() { if (state.index > 0) await show(state.index - 1); }

function openReject() { $("correct-form").hidden = true; $("reject-form").hidden = false; $("reason").focus(); }
function openCorrect() { $("reject-form").hidden = true; $("correct-form").hidden = false; $("corrected").focus(); }

document.addEventListener("keydown", async (event) => {
  const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName);
  if (!$("reject-form").hidden && /^[1-7]$/.test(event.key) && document.activeElement.id !== "reason-text") {
    event.preventDefault();
    const reason = REASON_KEYS[Number(event.key) - 1];
    if (reason === "other") { $("reason").value = "other"; $("reason-text").focus(); return; }
    await decide({ decision: "reject", reason });
    return;
  }
  if (event.key === "Escape") { $("reject-form").hidden = true; $("correct-form").hidden = true; document.activeElement.blur(); return; }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  const actions = { a: () => decide({ decision: "accept" }), r: openReject, c: openCorrect, n: next, j: next, k: previous, z: toggleZoom };
  if (actions[event.key]) { event.preventDefault(); await actions[event.key](); }
});

$("accept").addEventListener("click", () => decide({ decision: "accept" }));
$("reject").addEventListener("click", openReject);
$("correct").addEventListener("click", openCorrect);
$("next").addEventListener("click", next);
$("photo-frame").addEventListener("click", toggleZoom);
$("reject-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("reason-text").value.trim();
  decide({ decision: "reject", reason: $("reason").value, ...(text ? { reason_text: text } : {}) });
});
$("correct-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const plate = $("corrected").value.toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (plate) decide({ decision: "accept", corrected_plate: plate });
});
$("filters").addEventListener("submit", (event) => { event.preventDefault(); loadQueue(); });
$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  state.token = $("token").value.trim();
  sessionStorage.setItem("anpr-token", state.token);
  $("token").value = "";
  $("who").textContent = "aangemeld";
  loadQueue();
});
window.addEventListener("resize", () => state.current && placeBox(state.current.box, $("overview")));
if (state.token) { $("who").textContent = "aangemeld"; loadQueue(); }
