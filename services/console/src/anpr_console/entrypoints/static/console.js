// Progressive enhancement of the review screen: the same keys as the earlier review UI. Every action is
// one of the page's own forms or links, so the screen works the same without this file.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const REASONS = ["misread", "exempt", "emergency_vehicle", "sign_not_visible", "not_in_zone", "duplicate", "other"];
  let choosingReason = false;
  let sent = false;

  function submit(form) {
    if (!sent && form) form.requestSubmit();  // the submit listener below marks it sent
  }

  function follow(id) {
    const link = $(id);
    if (link) window.location.assign(link.href);
  }

  function zoom() {
    const frame = $("photo-frame");
    const img = $("overview");
    if (!frame || !img) return;
    frame.classList.toggle("zoomed");
    const box = (img.dataset.box || "").split(",").map(Number);
    if (frame.classList.contains("zoomed") && box.length === 4 && img.naturalWidth) {
      // Twice as large around the plate: readable, with the car and the sign still around it.
      const x = ((box[0] + box[2]) / 2 / img.naturalWidth) * 100;
      const y = ((box[1] + box[3]) / 2 / img.naturalHeight) * 100;
      img.style.transformOrigin = `${x}% ${y}%`;
    }
  }

  document.addEventListener("submit", (event) => {
    // One decision per page: a double click or a second key press must not post again (notices would
    // answer 409 anyway; this spares the round trip).
    if (event.target.closest(".actions")) {
      if (sent) { event.preventDefault(); return; }
      sent = true;
    }
  });

  document.addEventListener("keydown", (event) => {
    if (!$("accept-form")) return;  // not on a candidate
    const active = document.activeElement;
    const typing = active && ["INPUT", "SELECT", "TEXTAREA"].includes(active.tagName);
    if (event.key === "Escape") { choosingReason = false; if (active) active.blur(); return; }
    if (choosingReason && /^[1-7]$/.test(event.key) && (!active || active.id !== "reason-text")) {
      event.preventDefault();
      const reason = REASONS[Number(event.key) - 1];
      $("reason").value = reason;
      if (reason === "other") { $("reason-text").focus(); return; }
      choosingReason = false;
      submit($("reject-form"));
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = {
      a: () => submit($("accept-form")),
      r: () => { choosingReason = true; $("reason").focus(); },
      c: () => { choosingReason = false; $("corrected").focus(); },
      n: () => follow("next"),
      j: () => follow("next"),
      k: () => follow("previous"),
      z: zoom,
    };
    if (actions[event.key]) { event.preventDefault(); actions[event.key](); }
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest("#photo-frame")) zoom();
  });
})();
