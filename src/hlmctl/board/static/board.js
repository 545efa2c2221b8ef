// hlmctl board: keeps the page up to date from the server's push stream.
// Text is only ever set with textContent: names from the record are never markup.
"use strict";
(function () {
  const root = document.documentElement;
  const body = document.body;
  const view = body.dataset.view;
  const key = body.dataset.key;
  const lang = body.dataset.lang || "en";
  const url = "/api/events?view=" + encodeURIComponent(view) +
    (key ? (view === "agenda" ? "&day=" : "&list=") + encodeURIComponent(key) : "") +
    "&lang=" + encodeURIComponent(lang);
  // The words the script sets by itself, in the page's language (from the catalog).
  const words = JSON.parse(body.dataset.words || "{}");
  const word = (w) => words[w] || w;
  const clockFormat = new Intl.DateTimeFormat("en-GB", {
    timeZone: body.dataset.timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  // 10:03 in English, 10 h 03 in French (as the commands write it).
  function clockText(date) {
    const text = clockFormat.format(date);
    return lang === "fr" ? text.replace(/^0?(\d+):(\d\d)$/, "$1 h $2") : text;
  }
  const LOST_AFTER_MS = 12000; // the server sends something every 5 s
  let state = null;
  let skew = 0; // server clock minus this screen's clock, in ms
  let lastMessage = Date.now();
  let source = null;
  let lastPhase = null;
  let lastSpeaker; // undefined until the first state: the page itself says who speaks

  function get(obj, path) {
    return path.split(".").reduce((o, k) => (o && typeof o === "object" ? o[k] : null), obj);
  }

  function has(obj, path) {
    let o = obj;
    for (const k of path.split(".")) {
      if (!o || typeof o !== "object" || !(k in o)) return false;
      o = o[k];
    }
    return true;
  }

  // The text for people at a path: the state's display (in the page's language) when
  // it has it, else the JSON itself.
  function shown(path) {
    return has(state.display, path) ? get(state.display, path) : get(state, path);
  }

  function setLang(el, tag) {
    if (tag) {
      if (el.lang !== tag) el.lang = tag;
    } else if (el.hasAttribute("lang")) {
      el.removeAttribute("lang");
    }
  }

  function announce(selector, text) {
    const region = document.querySelector(selector);
    if (!region) return;
    region.textContent = ""; // the same words again are still news
    setTimeout(() => { region.textContent = text; }, 100);
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
      if (note && !live) setText(note, word("not live"));
      return;
    }
    for (const el of document.querySelectorAll("[data-clock]")) {
      setText(el, clockText(new Date(Date.now() + skew)));
    }
    const box = document.getElementById("countdown");
    if (!box || !state.now) return;
    const remaining = remainingNow();
    const ph = phase(remaining, state.now.paused, state.rules.amber_seconds);
    if (box.dataset.phase !== ph) box.dataset.phase = ph;
    setText(box.querySelector("[data-countdown]"), remaining === null ? "" : countdown(remaining));
    const note = !live ? word("not live") : ph === "paused" ? word("paused") : "";
    setText(box.querySelector("[data-countdown-state]"), note);
    // A phase change is said once, politely: amber, red, over time.
    if (live && lastPhase !== null && ph !== lastPhase &&
        (ph === "amber" || ph === "red" || ph === "over")) {
      announce("[data-announce-phase]", word(ph));
    }
    if (state.rules.bell && live && (ph === "red" || ph === "over") &&
        (lastPhase === "normal" || lastPhase === "amber")) {
      bell();
    }
    lastPhase = ph;
  }

  function cell(tr, text, cls, tag) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    if (tag !== undefined) {
      td.dir = "auto";
      setLang(td, tag);
    }
    tr.appendChild(td);
    return td;
  }

  function renderAgenda(main, agenda) {
    const sections = [];
    for (const seg of agenda.segments) {
      const section = document.createElement("section");
      section.className = "segment";
      const h2 = document.createElement("h2");
      const span = document.createElement("span");
      span.className = "segment-time";
      span.textContent = seg.span;
      const title = document.createElement("span");
      title.dir = "auto";
      title.textContent = seg.title;
      h2.append(span, " ", title);
      const table = document.createElement("table");
      const tbody = document.createElement("tbody");
      for (const item of seg.items) {
        const tr = document.createElement("tr");
        tr.dataset.status = item.status || "";
        tr.toggleAttribute("data-projected", item.projected);
        cell(tr, item.start_text, "time");
        cell(tr, item.end_text, "time");
        cell(tr, item.label, "", item.label_lang || null);
        tbody.appendChild(tr);
      }
      table.appendChild(tbody);
      section.append(h2, table);
      sections.push(section);
    }
    if (!sections.length) {
      const p = document.createElement("p");
      p.className = "nobody-agenda";
      p.textContent = agenda.empty;
      sections.push(p);
    }
    main.replaceChildren(...sections);
    keepInView(main);
  }

  // A kiosk has no one to scroll: the speaker in progress (else the next item not
  // yet given) is kept in the middle of the agenda's own scrolling area.
  function keepInView(main) {
    const row = main.querySelector('tr[data-status="speaking"]') ||
      main.querySelector("tr[data-projected]:not([data-status=spoken])");
    if (!row) return;
    const box = main.getBoundingClientRect();
    const at = row.getBoundingClientRect();
    const target = main.scrollTop + (at.top - box.top) - (box.height - at.height) / 2;
    main.scrollTo({ top: Math.max(0, target), behavior: "auto" });
  }

  function renderNext(list, next) {
    const items = next.map((s) => {
      const li = document.createElement("li");
      const d = document.createElement("span");
      d.className = "next-delegation";
      d.dir = "auto";
      d.textContent = s.delegation;
      const who = document.createElement("span");
      who.className = "next-who";
      who.dir = "auto";
      who.textContent = s.who !== undefined ? s.who : [s.name, s.title].filter((x) => x).join(", ");
      setLang(who, s.who_lang || null);
      li.append(d, who);
      return li;
    });
    list.replaceChildren(...items);
  }

  function render() {
    root.dataset.version = state.version;
    const langs = (state.display && state.display.langs) || {};
    for (const el of document.querySelectorAll("[data-field]")) {
      setText(el, shown(el.dataset.field));
      if (el.hasAttribute("data-name")) setLang(el, langs[el.dataset.field] || null);
    }
    const now = state.now;
    if (now) {
      const current = now.current;
      for (const el of document.querySelectorAll("[data-current]")) {
        el.toggleAttribute("data-empty", !current);
      }
      for (const el of document.querySelectorAll("[data-kind]")) setText(el, shown("kind"));
      for (const el of document.querySelectorAll("[data-closed]")) setText(el, shown("closed"));
      for (const el of document.querySelectorAll("[data-next]")) {
        renderNext(el, shown("now.next") || []);
      }
      // The message to the speaker: the speaker's page always, the hall's when sent to it.
      const m = now.message;
      for (const el of document.querySelectorAll("[data-message]")) {
        const text = m && (el.dataset.message === "speaker" || m.to === "hall") ? m.text : "";
        setText(el, text);
        el.toggleAttribute("data-flash", Boolean(text && m.flash));
      }
    }
    if (state.agenda) {
      for (const el of document.querySelectorAll("[data-agenda]")) renderAgenda(el, shown("agenda"));
    }
    // A new speaker (and the next ones) is said once, politely, in the page's language.
    const speakerNow = state.display ? state.display.speaker_id : null;
    if (lastSpeaker !== undefined && speakerNow !== lastSpeaker && state.display.announce) {
      announce("[data-announce]", state.display.announce);
    }
    lastSpeaker = speakerNow;
    tick();
  }

  function heard(message) {
    lastMessage = Date.now();
    skew = Date.parse(message.sent) - Date.now();
    if (root.dataset.connection !== "live") {
      root.dataset.connection = "live";
      for (const el of document.querySelectorAll(".connection-lost")) setText(el, "");
    }
  }

  // The banner's live region is in the page from the start; its words are put in
  // when the connection is lost (a reader announces them), and taken out again.
  function lost() {
    if (root.dataset.connection !== "lost") {
      root.dataset.connection = "lost";
      for (const el of document.querySelectorAll(".connection-lost")) setText(el, word("lost"));
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

  for (const main of document.querySelectorAll("[data-agenda]")) keepInView(main);
  setInterval(() => {
    if (Date.now() - lastMessage > LOST_AFTER_MS) {
      lost();
      connect(); // a silent connection (a cable pulled): open a new one
    }
    tick();
  }, 200);
  // Again every half minute, in case someone scrolled the kiosk away.
  setInterval(() => {
    for (const main of document.querySelectorAll("[data-agenda]")) keepInView(main);
  }, 30000);
  connect();
})();
