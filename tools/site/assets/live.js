// The course website's live widgets, without Python: each <div class="gm-live" data-spec="..."> on a page holds
// the still picture and sentence a static view shows; when this script runs it loads the widget's spec (written by
// helpers/site.py while the notebook ran with its shipped weights) and replaces the still with the widget itself:
// latent and interpolation explorers decode codes with the exported decoder in onnxruntime-web, the 2-D game is a
// scrubber over the frames of a recorded game, spot the fake deals rounds from pools of real and generated digits.
// Each live element gets `element.gm`, what the tests read: the code shown, its 784 pixels, redraw times.
"use strict";

(function () {
  const table = document.getElementById("gm-labels");
  const LABELS = JSON.parse((table && table.textContent) || "{}");      // English -> this page's language
  const ASSETS = (table && table.dataset.assets) || "assets/";
  const SCALE = 8;
  window.gmRedrawMs = [];           // every slider redraw on the page: from the input event to the new picture drawn

  function fill(text, args) { let i = 0; return text.replace(/\{\}/g, () => String(args[i++])); }
  function t(key, ...args) { return fill(key in LABELS ? LABELS[key] : key, args); }

  function el(tag, attrs = {}, children = []) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "text") node.textContent = v; else if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    for (const child of children) node.append(child);
    return node;
  }

  function bytes(b64) {
    const raw = atob(b64), out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  // a seeded generator (mulberry32) and normal draws by Box-Muller: the page's own sequence of random codes
  function rng(seed) {
    let a = seed >>> 0;
    const uniform = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let x = Math.imul(a ^ (a >>> 15), 1 | a);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
    return { uniform, normal, int: (n) => Math.floor(uniform() * n) };
  }

  function digitCanvas(scale, cls) {
    const canvas = el("canvas", { width: 28 * scale, height: 28 * scale, class: cls || "gm-digit" });
    canvas.getContext("2d").imageSmoothingEnabled = false;
    return canvas;
  }

  // pixels: 784 bytes (grey levels), drawn as 28 x 28 blocks of scale x scale
  const tile = document.createElement("canvas");
  tile.width = tile.height = 28;
  function drawDigit(canvas, pixels) {
    const ctx = tile.getContext("2d"), img = ctx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = pixels[i];
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    const out = canvas.getContext("2d");
    out.imageSmoothingEnabled = false;
    out.drawImage(tile, 0, 0, canvas.width, canvas.height);
  }

  // the decoder of one explorer: one code in, one image's 784 grey levels out, round(255 * pixel) as the notebook
  const sessions = {};
  async function decoder(url) {
    if (!sessions[url]) sessions[url] = ort.InferenceSession.create(url, { executionProviders: ["wasm"] });
    const session = await sessions[url];
    return async (code) => {
      const input = new ort.Tensor("float32", Float32Array.from(code), [1, code.length]);
      const result = await session.run({ [session.inputNames[0]]: input });
      const values = result[session.outputNames[0]].data, pixels = new Uint8Array(784);
      for (let i = 0; i < 784; i++) {
        const v = Number.isFinite(values[i]) ? Math.min(1, Math.max(0, values[i])) : 0;
        pixels[i] = Math.round(255 * v);
      }
      return pixels;
    };
  }

  // redraw on every slider move, one decode at a time: a move that comes while one runs is drawn right after it
  function redrawer(root, decode, code, canvas) {
    let running = false, pending = null;
    const state = root.gm;
    async function go(started) {
      running = true; state.idle = false;
      try {
        const z = code();
        const pixels = await decode(z);
        drawDigit(canvas, pixels);
        state.code = z; state.pixels = Array.from(pixels); state.draws += 1;
        const ms = performance.now() - started;
        state.redrawMs.push(ms); window.gmRedrawMs.push(ms);
        state.error = null;
      } catch (err) {
        state.error = String(err);
        root.querySelector(".gm-status").textContent = t("The picture could not be decoded in this browser: ") + err;
      }
      running = false;
      if (pending !== null) { const p = pending; pending = null; go(p); } else state.idle = true;
    }
    return (started = performance.now()) => { if (running) pending = pending ?? started; else go(started); };
  }

  function slider(label, min, max, step, value) {
    const input = el("input", { type: "range", min, max, step, value: String(value), "aria-label": label });
    const readout = el("output", { text: Number(value).toFixed(2) });
    input.addEventListener("input", () => { readout.textContent = Number(input.value).toFixed(2); });
    return { row: el("label", { class: "gm-slider" }, [el("span", { text: label }), input, readout]), input, readout };
  }

  async function latentExplorer(root, spec, base) {
    const decode = await decoder(base + spec.model);
    const n = spec.n_sliders, random = rng(spec.seed || 0);
    let code = spec.start.slice();
    const sliders = [];
    for (let k = 0; k < n; k++) sliders.push(slider("z" + (k + 1), spec.slider_range[k][0], spec.slider_range[k][1], spec.step, code[k]));
    const canvas = digitCanvas(SCALE, "gm-digit latent-explorer-image");
    const current = () => {
      const z = code.slice();
      sliders.forEach((s, k) => { if (Math.abs(Number(s.input.value) - z[k]) > spec.step / 2) z[k] = Number(s.input.value); });
      return z;
    };
    const redraw = redrawer(root, decode, current, canvas);
    sliders.forEach((s) => s.input.addEventListener("input", () => redraw()));
    const setCode = (z) => {
      code = z.slice();
      sliders.forEach((s, k) => {
        const v = code[k], stepped = Math.ceil(Math.abs(v) / spec.step) * spec.step;
        if (Math.abs(v) > Number(s.input.max)) { s.input.min = String(-stepped); s.input.max = String(stepped); }
        s.input.value = String(v); s.readout.textContent = v.toFixed(2);
      });
      redraw();
    };
    const buttons = [];
    const randomButton = el("button", { type: "button", text: t("random draw") });
    const resetButton = el("button", { type: "button", text: t("reset") });
    buttons.push(randomButton, resetButton);
    const right = [];
    let note = t("random draw: a new code from N(0, I); reset: back to the last drawn or encoded code");
    let showReal = null;
    if (spec.real) {
      const images = bytes(spec.real.images), count = spec.real.codes.length;
      const realCanvas = digitCanvas(4, "gm-digit gm-real"), realLabel = el("div", { class: "gm-caption" });
      const box = el("input", { type: "number", min: 0, max: count - 1, value: 0, "aria-label": t("digit #") });
      const pick = el("button", { type: "button", text: t("random digit"), title: t("start from a randomly picked real digit") });
      showReal = (i) => {
        i = Math.max(0, Math.min(count - 1, Math.round(Number(i)) || 0));
        box.value = String(i);
        realLabel.textContent = t("real digit #{}", i);
        drawDigit(realCanvas, images.subarray(784 * i, 784 * (i + 1)));
        setCode(spec.real.codes[i]);
      };
      box.addEventListener("change", () => showReal(box.value));
      pick.addEventListener("click", () => showReal(random.int(count)));
      buttons.push(el("label", { class: "gm-number" }, [t("digit #") + " ", box]), pick);
      right.push(el("div", { class: "gm-side" }, [realLabel, realCanvas]));
      note += t("; digit #: start from that test digit's code");
      randomButton.addEventListener("click", () => {
        realLabel.textContent = t("real digit: none (random code)");
        drawDigit(realCanvas, new Uint8Array(784));
      });
      root.gm.showReal = showReal;
    }
    if (n < spec.code_size) note += t(". Sliders move z1..z" + n + "; the other {} coordinates keep that code's values", spec.code_size - n);
    randomButton.addEventListener("click", () => setCode(Array.from({ length: spec.code_size }, random.normal)));
    resetButton.addEventListener("click", () => setCode(code));
    root.gm.sliders = sliders.map((s) => s.input);
    root.gm.setCode = setCode;
    root.append(el("div", { class: "gm-row" }, [el("div", { class: "gm-sliders" }, sliders.map((s) => s.row)), canvas, ...right]),
                el("div", { class: "gm-buttons" }, buttons), el("div", { class: "gm-status", text: note }));
    if (showReal) showReal(spec.real.start_index); else setCode(code);
  }

  async function interpolationExplorer(root, spec, base) {
    const decode = await decoder(base + spec.model);
    const t01 = slider("t", 0, 1, 0.01, 0);
    const canvas = digitCanvas(SCALE, "gm-digit interpolation-explorer-image");
    const ends = [digitCanvas(4), digitCanvas(4)];
    drawDigit(ends[0], await decode(spec.z_start));
    drawDigit(ends[1], await decode(spec.z_end));
    const current = () => {
      const s = Number(t01.input.value);
      if (s <= 0) return spec.z_start.slice();
      if (s >= 1) return spec.z_end.slice();
      return spec.z_start.map((a, i) => Math.fround(a + s * (spec.z_end[i] - a)));
    };
    const redraw = redrawer(root, decode, current, canvas);
    t01.input.addEventListener("input", () => redraw());
    root.gm.sliders = [t01.input];
    root.append(el("div", { class: "gm-row" }, [el("div", { class: "gm-side" }, [el("div", { text: "t = 0" }), ends[0]]), canvas,
                                                  el("div", { class: "gm-side" }, [el("div", { text: "t = 1" }), ends[1]])]),
                el("div", { class: "gm-sliders gm-wide" }, [t01.row]), el("div", { class: "gm-status" }));
    redraw();
  }

  function gameStepper(root, spec) {
    const size = 440, canvas = el("canvas", { width: size, height: size, class: "gm-game game-stepper-image" });
    const ctx = canvas.getContext("2d"), grid = spec.grid, L = spec.limit;
    const real = spec.real, lut = spec.colours.verdict.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
    const px = (x) => ((x + L) / (2 * L)) * size, py = (y) => size - ((y + L) / (2 * L)) * size;
    const field = document.createElement("canvas");
    if (grid) { field.width = grid[1]; field.height = grid[0]; }
    const frames = spec.frames.map((f) => ({ ...f, prob: f.prob ? bytes(f.prob) : null }));
    const scrub = el("input", { type: "range", min: 0, max: frames.length - 1, step: 1, value: 0, "aria-label": t("step") });
    const label = el("div", { class: "gm-caption" });
    function draw(index) {
      const f = frames[index];
      ctx.clearRect(0, 0, size, size);
      if (f.prob) {
        const fctx = field.getContext("2d"), img = fctx.createImageData(grid[1], grid[0]);
        for (let r = 0; r < grid[0]; r++) for (let c = 0; c < grid[1]; c++) {   // row 0 of the grid is the bottom
          const [R, G, B] = lut[f.prob[r * grid[1] + c]], o = 4 * ((grid[0] - 1 - r) * grid[1] + c);
          img.data[o] = R; img.data[o + 1] = G; img.data[o + 2] = B; img.data[o + 3] = 255;
        }
        fctx.putImageData(img, 0, 0);
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(field, 0, 0, size, size);
      }
      const dots = (points, colour) => {
        ctx.fillStyle = colour;
        for (let i = 0; i < points.length; i += 2) ctx.fillRect(px(points[i]) - 1.5, py(points[i + 1]) - 1.5, 3, 3);
      };
      dots(real, spec.colours.real);
      dots(f.fake, spec.colours.fake);
      if (f.push) {   // arrows for the first 64 generated points, the longest a tenth of the square's side
        let longest = 1e-12;
        for (let i = 0; i < f.push.length; i += 2) longest = Math.max(longest, Math.hypot(f.push[i], f.push[i + 1]));
        ctx.strokeStyle = ctx.fillStyle = "black"; ctx.lineWidth = 1.2;
        for (let i = 0; i < f.push.length; i += 2) {
          const x0 = px(f.fake[i]), y0 = py(f.fake[i + 1]);
          const dx = (f.push[i] / longest) * 0.1 * size, dy = -(f.push[i + 1] / longest) * 0.1 * size;
          const x1 = x0 + dx, y1 = y0 + dy, a = Math.atan2(dy, dx);
          ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
          ctx.beginPath(); ctx.moveTo(x1, y1);
          ctx.lineTo(x1 - 5 * Math.cos(a - 0.45), y1 - 5 * Math.sin(a - 0.45));
          ctx.lineTo(x1 - 5 * Math.cos(a + 0.45), y1 - 5 * Math.sin(a + 0.45)); ctx.fill();
        }
      }
      label.textContent = t("after {} steps", f.step);
      root.gm.frame = index; root.gm.step = f.step; root.gm.draws += 1;
    }
    let timer = null;
    const play = el("button", { type: "button", text: t("play") });
    const stop = () => { clearInterval(timer); timer = null; play.textContent = t("play"); };
    play.addEventListener("click", () => {
      if (timer) return stop();
      if (Number(scrub.value) >= frames.length - 1) scrub.value = "0";
      play.textContent = t("pause");
      timer = setInterval(() => {
        const next = Number(scrub.value) + 1;
        if (next >= frames.length) return stop();
        scrub.value = String(next); draw(next);
      }, 120);
    });
    const back = el("button", { type: "button", text: "◀" }), forward = el("button", { type: "button", text: "▶" });
    back.addEventListener("click", () => { stop(); scrub.value = String(Math.max(0, Number(scrub.value) - 1)); draw(Number(scrub.value)); });
    forward.addEventListener("click", () => { stop(); scrub.value = String(Math.min(frames.length - 1, Number(scrub.value) + 1)); draw(Number(scrub.value)); });
    const reset = el("button", { type: "button", text: t("reset") });
    reset.addEventListener("click", () => { stop(); scrub.value = "0"; draw(0); });
    scrub.addEventListener("input", () => { stop(); draw(Number(scrub.value)); });
    root.gm.sliders = [scrub];
    root.append(label, canvas, el("div", { class: "gm-sliders gm-wide" }, [scrub]),
                el("div", { class: "gm-buttons" }, [back, play, forward, reset]),
                el("div", { class: "gm-status", text: t("A recorded game of {} steps from the stepper's start: drag the slider, or press play, to watch it.",
                                                         frames[frames.length - 1].step) }));
    draw(0);
  }

  function spotTheFake(root, spec) {
    const real = bytes(spec.real), fake = bytes(spec.fake), n = spec.n, half = n / 2, random = rng(7);
    const tiles = [], marks = [], rounds = [];
    let isFake = [], revealed = false;
    const status = el("div", { class: "gm-status" });
    const gridBox = el("div", { class: "gm-grid", style: `grid-template-columns: repeat(${spec.columns}, 90px)` });
    for (let i = 0; i < n; i++) {
      const canvas = digitCanvas(3), mark = el("button", { type: "button", class: "gm-mark", "aria-pressed": "false", text: t("fake?") });
      mark.addEventListener("click", () => {
        if (revealed) return;
        mark.setAttribute("aria-pressed", mark.getAttribute("aria-pressed") === "true" ? "false" : "true");
      });
      tiles.push(canvas); marks.push(mark);
      gridBox.append(el("div", { class: "gm-tile" }, [canvas, mark]));
    }
    const sample = (count, size) => {   // size distinct indices out of count
      const idx = Array.from({ length: count }, (_, i) => i);
      for (let i = 0; i < size; i++) { const j = i + random.int(count - i); [idx[i], idx[j]] = [idx[j], idx[i]]; }
      return idx.slice(0, size);
    };
    function deal() {
      const picks = [...sample(spec.pool[0], half).map((i) => [false, i]), ...sample(spec.pool[1], half).map((i) => [true, i])];
      const order = sample(n, n);
      isFake = order.map((k) => picks[k][0]);
      order.forEach((k, slot) => {
        const [f, i] = picks[k], pool = f ? fake : real;
        drawDigit(tiles[slot], pool.subarray(784 * i, 784 * (i + 1)));
        marks[slot].setAttribute("aria-pressed", "false"); marks[slot].className = "gm-mark"; marks[slot].textContent = t("fake?");
      });
      revealed = false;
      status.textContent = t("Mark the {} digits you think a model drew, then press reveal.", half);
      root.gm.isFake = isFake.slice();
    }
    const revealButton = el("button", { type: "button", class: "gm-primary", text: t("reveal") });
    revealButton.addEventListener("click", () => {
      if (revealed) return;
      const marked = marks.map((m) => m.getAttribute("aria-pressed") === "true");
      marks.forEach((m, i) => { m.className = "gm-mark " + (marked[i] === isFake[i] ? "gm-right" : "gm-wrong"); m.textContent = isFake[i] ? t("fake") : t("real"); });
      const right = marked.filter((g, i) => g === isFake[i]).length;
      const found = marked.filter((g, i) => g && isFake[i]).length;
      const falseAlarms = marked.filter((g, i) => g && !isFake[i]).length;
      rounds.push(right);
      revealed = true;
      status.textContent = t("{} of {} right: you found {} of {} generated digits and took {} real ones for generated.", right, n, found, half, falseAlarms) +
        " " + t("Rounds so far: {}, {} of {} right (guessing gets about half).", rounds.length, rounds.reduce((a, b) => a + b, 0), rounds.length * n);
      root.gm.rounds = rounds.slice();
    });
    const newButton = el("button", { type: "button", text: t("new round") });
    newButton.addEventListener("click", deal);
    root.append(gridBox, el("div", { class: "gm-buttons" }, [revealButton, newButton]), status);
    deal();
  }

  const KINDS = { LatentExplorer: latentExplorer, InterpolationExplorer: interpolationExplorer, GameStepper: gameStepper, SpotTheFake: spotTheFake };

  async function start(root) {
    root.gm = { draws: 0, redrawMs: [], code: null, pixels: null, error: null, ready: false };
    const specUrl = root.dataset.spec, base = specUrl.slice(0, specUrl.lastIndexOf("/") + 1);
    const still = root.querySelector(".gm-still");
    const live = el("div", { class: "gm-widget" });
    try {
      const spec = await (await fetch(specUrl)).json();
      root.gm.kind = spec.kind;
      live.gm = root.gm;
      await KINDS[spec.kind](live, spec, base);
      still.replaceWith(live);
      root.classList.add("gm-is-live");
      root.gm.ready = true;
    } catch (err) {
      root.gm.error = String(err);
      still.append(el("p", { class: "gm-status gm-error", text: t("This widget could not start in this browser, so its picture is the notebook's still: ") + err }));
    }
  }

  function boot() {
    if (window.ort) {
      ort.env.wasm.wasmPaths = new URL(ASSETS + "ort/", location.href).href;
      ort.env.wasm.numThreads = 1;     // a plain static server gives no cross-origin isolation, so no threads
    }
    document.querySelectorAll(".gm-live[data-spec]").forEach(start);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot); else boot();
})();
