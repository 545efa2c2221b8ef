// hlmctl board: keeps the page up to date from the server's push stream.
// Text is only ever set with textContent: names from the record are never markup.
"use strict";
(function () {
  const root = document.documentElement;
  const body = document.body;
  const view = body.dataset.view;
  const key = body.dataset.key;
  const url = "/api/events?view=" + encodeURIComponent(view) +
    (key ? (view === "agenda" ? "&day=" : "&list=") + encodeURIComponent(key) : "");
  const clockFormat = new Intl.DateTimeFormat("en-GB", {
    timeZone: body.dataset.timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  const LOST_AFTER_MS = 12000; // the server sends something every 5 s
  let state = null;
  let skew = 0; // server clock minus this screen's clock, in ms
  let lastMessage = Date.now();
  let source = null;
  let lastPhase = null;

  function get(obj, path) {
    return path.split(".").reduce((o, k) => (o && typeof o === "object" ? o[k] : null), obj);
  }

  function setText(el, value) {
    const text = value === null || value === undefined ? "" : String(value);
    if (el.textContent !== text) el.textContent = text;
    el.toggleAttribute("data-empty", text === "");
  }

  // The same rule as hlmctl.timer.phase and hlmctl.timer.countdown.
  function phase(remaining, paused, amber) {
    if (remaining === null) return "none";
    if (paused) return "paused";
    if (remaining > amber) return "normal";
    if (remaining > 0) return "amber";
    if (remaining > -1) return "red";
    return "over";
  }

  function duration(total) {
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const ss = String(s).padStart(2, "0");
    return h ? h + ":" + String(m).padStart(2, "0") + ":" + ss : m + ":" + ss;
  }

  function countdown(remaining) {
    if (remaining > 0) return duration(Math.ceil(remaining - 1e-9));
    if (remaining > -1) return "0:00";
    return "+" + duration(Math.floor(-remaining + 1e-9));
  }

  function remainingNow() {
    const now = state && state.now;
    if (!now || !now.current || now.remaining_seconds === null) return null;
    if (now.paused) return now.remaining_seconds;
    return now.remaining_seconds - (Date.now() + skew - Date.parse(state.at)) / 1000;
  }

  function bell() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.4, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 1.5);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 1.5);
  }

  function tick() {
    const live = root.dataset.connection === "live";
    if (!state) {
      // Lost before the first message: the markup from the server is not live either.
      const note = document.querySelector("[data-countdown-state]");
      if (note && !live) setText(note, "not live");
      return;
    }
    for (const el of document.querySelectorAll("[data-clock]")) {
      setText(el, clockFormat.format(new Date(Date.now() + skew)));
    }
    const box = document.getElementById("countdown");
    if (!box || !state.now) return;
    const remaining = remainingNow();
    const ph = phase(remaining, state.now.paused, state.rules.amber_seconds);
    if (box.dataset.phase !== ph) box.dataset.phase = ph;
    setText(box.querySelector("[data-countdown]"), remaining === null ? "" : countdown(remaining));
    const note = !live ? "not live" : ph === "paused" ? "paused" : "";
    setText(box.querySelector("[data-countdown-state]"), note);
    if (state.rules.bell && live && (ph === "red" || ph === "over") &&
        (lastPhase === "normal" || lastPhase === "amber")) {
      bell();
    }
    lastPhase = ph;
  }

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
  }

  function hhmm(iso) {
    return iso ? iso.slice(11, 16) : "";
  }

  function renderAgenda(main, agenda) {
    const sections = [];
    for (const seg of agenda.segments) {
      const section = document.createElement("section");
      section.className = "segment";
      const h2 = document.createElement("h2");
      const span = document.createElement("span");
      span.className = "segment-time";
      span.textContent = seg.start ? hhmm(seg.start) + "–" + hhmm(seg.end) : "not scheduled";
      h2.append(span, " " + seg.title);
      const table = document.createElement("table");
      const tbody = document.createElement("tbody");
      for (const item of seg.items) {
        const tr = document.createElement("tr");
        tr.dataset.status = item.status || "";
        tr.toggleAttribute("data-projected", item.projected);
        cell(tr, hhmm(item.start), "time");
        cell(tr, hhmm(item.end), "time");
        cell(tr, item.label);
        tbody.appendChild(tr);
      }
      table.appendChild(tbody);
      section.append(h2, table);
      sections.push(section);
    }
    if (!sections.length) {
      const p = document.createElement("p");
      p.className = "nobody-agenda";
      p.textContent = "No meeting on this day.";
      sections.push(p);
    }
    main.replaceChildren(...sections);
  }

  function renderNext(list, next) {
    const items = next.map((s) => {
      const li = document.createElement("li");
      const d = document.createElement("span");
      d.className = "next-delegation";
      d.textContent = s.delegation;
      const who = document.createElement("span");
      who.className = "next-who";
      who.textContent = [s.name, s.title].filter((x) => x).join(", ");
      li.append(d, who);
      return li;
    });
    list.replaceChildren(...items);
  }

  function render() {
    root.dataset.version = state.version;
    for (const el of document.querySelectorAll("[data-field]")) {
      setText(el, get(state, el.dataset.field));
    }
    const now = state.now;
    if (now) {
      const current = now.current;
      for (const el of document.querySelectorAll("[data-current]")) {
        el.toggleAttribute("data-empty", !current);
      }
      for (const el of document.querySelectorAll("[data-kind]")) {
        setText(el, current ? (current.kind === "reply" ? "Right of reply" : "Statement") : "");
      }
      for (const el of document.querySelectorAll("[data-closed]")) {
        setText(el, state.list.closed ? "The list is closed" : "");
      }
      for (const el of document.querySelectorAll("[data-next]")) renderNext(el, now.next);
      // The message to the speaker: the speaker's page always, the hall's when sent to it.
      const m = now.message;
      for (const el of document.querySelectorAll("[data-message]")) {
        const shown = m && (el.dataset.message === "speaker" || m.to === "hall") ? m.text : "";
        setText(el, shown);
        el.toggleAttribute("data-flash", Boolean(shown && m.flash));
      }
    }
    if (state.agenda) {
      for (const el of document.querySelectorAll("[data-agenda]")) renderAgenda(el, state.agenda);
    }
    tick();
  }

  function heard(message) {
    lastMessage = Date.now();
    skew = Date.parse(message.sent) - Date.now();
    if (root.dataset.connection !== "live") root.dataset.connection = "live";
  }

  function lost() {
    if (root.dataset.connection !== "lost") {
      root.dataset.connection = "lost";
      tick();
    }
  }

  function connect() {
    if (source) source.close();
    lastMessage = Date.now();
    source = new EventSource(url);
    source.addEventListener("state", (event) => {
      const message = JSON.parse(event.data);
      heard(message);
      state = message;
      render();
    });
    source.addEventListener("tick", (event) => {
      heard(JSON.parse(event.data));
      tick();
    });
    source.addEventListener("error", () => {
      lost();
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1000);
    });
  }

  setInterval(() => {
    if (Date.now() - lastMessage > LOST_AFTER_MS) {
      lost();
      connect(); // a silent connection (a cable pulled): open a new one
    }
    tick();
  }, 200);
  connect();
})();
