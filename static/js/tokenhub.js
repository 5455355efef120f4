/* Tokenhub: small enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* Words in the reader's language: Django's JavaScript catalogue (jsi18n, loaded by the pages
     that show them) defines gettext/ngettext/interpolate; without it the text stays English. */
  function gettext(text) { return window.gettext ? window.gettext(text) : text; }
  function ngettext(one, many, n) {
    return window.ngettext ? window.ngettext(one, many, n) : (n === 1 ? one : many);
  }
  function fill(format, values) { return format.replace(/%\((\w+)\)s/g, function (all, name) { return String(values[name]); }); }

  /* Countdowns: <time data-closes="ISO" data-now="ISO"> ticks down to the close. */
  function left(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    if (h) {
      return fill(ngettext("%(count)s hour", "%(count)s hours", h), { count: h }) + " " +
        fill(ngettext("%(count)s minute", "%(count)s minutes", m), { count: m });
    }
    if (m) return fill(gettext("%(minutes)s min %(seconds)s s"), { minutes: m, seconds: (sec < 10 ? "0" : "") + sec });
    return fill(ngettext("%(count)s second", "%(count)s seconds", sec), { count: sec });
  }

  function tick() {
    document.querySelectorAll("time[data-closes]").forEach(function (el) {
      if (el.dataset.skew === undefined) {
        var serverNow = Date.parse(el.dataset.now || "") || Date.now();
        el.dataset.skew = String(serverNow - Date.now());
      }
      var ms = Date.parse(el.dataset.closes) - (Date.now() + Number(el.dataset.skew));
      var text = ms > 0 ? fill(gettext("%(time)s left"), { time: left(ms) }) : (el.dataset.closedText || gettext("closed"));
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("soon", ms > 0 && ms < 30000);
    });
  }

  /* Tables on a phone: each row becomes a card of "label: value" lines (CSS, max-width 600px).
     The labels come from the header cells (with their colspan/rowspan groups, e.g. the ledger's
     "Held in escrow · Balance"); tables of three columns or fewer stay tables. Without this
     file a table keeps its columns and scrolls inside its card. */
  function headerText(th) {
    var hidden = th.querySelector(".sr-only");
    var text = th.textContent.replace(/\s+/g, " ").trim();
    return hidden && text === hidden.textContent.trim() ? "" : text;
  }

  function headerLabels(table) {
    var grid = [], rows = table.tHead ? table.tHead.rows : [];
    for (var r = 0; r < rows.length; r++) {
      grid[r] = grid[r] || [];
      var c = 0;
      for (var k = 0; k < rows[r].cells.length; k++) {
        var cell = rows[r].cells[k];
        while (grid[r][c]) c++;
        for (var i = 0; i < cell.rowSpan; i++) {
          grid[r + i] = grid[r + i] || [];
          for (var j = 0; j < cell.colSpan; j++) grid[r + i][c + j] = cell;
        }
        c += cell.colSpan;
      }
    }
    var labels = [], width = grid.reduce(function (w, row) { return Math.max(w, row.length); }, 0);
    for (var col = 0; col < width; col++) {
      var parts = [];
      grid.forEach(function (row) {
        var text = row[col] ? headerText(row[col]) : "";
        if (text && parts.indexOf(text) < 0) parts.push(text);
      });
      labels.push(parts.join(" · "));
    }
    return labels;
  }

  function stackTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      if (table.dataset.stacked) return;
      table.dataset.stacked = "1";
      var labels = headerLabels(table);
      if (labels.length <= 3 && !table.querySelector(".hide-sm")) return;
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var c = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute("data-label")) cell.setAttribute("data-label", labels[c] || "");
            c += cell.colSpan;
          });
        });
      });
      table.classList.add("stack");
    });
  }

  /* Charts: <canvas data-chart="history|utilisation|curves" data-source="json-script-id">. */
  var INK = "#1b1f24", GRID = "#e5e7eb", BLUE = "#1d4ed8", ORANGE = "#c2410c", GREY = "#94a3b8";

  function axis(title, extra) {
    return Object.assign({ title: { display: true, text: title, color: INK },
      ticks: { color: INK }, grid: { color: GRID } }, extra || {});
  }

  function num(points) {
    return points.map(function (p) { return { x: p.x, y: Number(p.y) }; });
  }

  var builders = {
    history: function (d, canvas) {
      var t = canvas.dataset;
      var lang = document.documentElement.lang || undefined;
      var parts = d.span === "today" || d.bucket === "hour" || d.bucket === "round"
        ? (d.span === "today" ? { hour: "2-digit", minute: "2-digit" } : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })
        : { year: "numeric", month: "short", day: "numeric" };
      var format = new Intl.DateTimeFormat(lang, Object.assign({ timeZone: d.zone || undefined }, parts));
      var full = new Intl.DateTimeFormat(lang, { timeZone: d.zone || undefined, dateStyle: "medium", timeStyle: "short" });
      /* One moment alone (a single point, or all in one minute): half an hour either side, or
         the axis spreads its ticks over months around it. */
      var xs = d.price.map(function (p) { return p.x; });
      var lo = Math.min.apply(null, xs), hi = Math.max.apply(null, xs);
      var pad = xs.length && hi - lo < 60000 ? 1800000 : 0;
      return {
        data: {
          datasets: [
            { type: "line", label: t.priceLabel || gettext("Clearing price"), data: d.price.map(function (p) { return { x: p.x, y: p.y === null ? null : Number(p.y) }; }),
              borderColor: BLUE, backgroundColor: BLUE, yAxisID: "price", spanGaps: true, tension: 0, pointRadius: d.price.length > 60 ? 1.5 : 3.5, order: 0 },
            { type: "bar", label: t.volumeLabel || gettext("Volume (units)"), data: d.volume, backgroundColor: GREY, yAxisID: "volume", maxBarThickness: 24, minBarLength: 1, order: 1 }
          ]
        },
        options: {
          scales: {
            price: axis(t.priceAxis || gettext("Price (credits per unit)"), { position: "left", grace: "15%" }),
            volume: axis(t.volumeAxis || gettext("Units traded"), { position: "right", beginAtZero: true, grace: "15%", grid: { drawOnChartArea: false } }),
            x: axis(t.timeAxis || gettext("Time"), { type: "linear", offset: true, min: pad ? lo - pad : undefined, max: pad ? hi + pad : undefined, ticks: { color: INK, maxRotation: 0, autoSkip: true, maxTicksLimit: 7,
              callback: function (value) { return format.format(new Date(value)); } } })
          },
          plugins: { tooltip: { callbacks: { title: function (items) { return items.length ? full.format(new Date(items[0].parsed.x)) : ""; } } } }
        }
      };
    },
    utilisation: function (d, canvas) {
      var t = canvas.dataset;
      var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { year: "numeric", month: "short", day: "numeric" });
      return {
        data: {
          datasets: [
            { type: "line", label: t.shareLabel || "Utilisation (%)", data: d.utilisation.map(function (p) { return { x: p.x, y: p.y === null ? null : Number(p.y) }; }),
              borderColor: BLUE, backgroundColor: BLUE, yAxisID: "share", spanGaps: true, tension: 0, pointRadius: d.utilisation.length > 60 ? 1.5 : 3.5, order: 0 },
            { type: "bar", label: t.consumedLabel || "Consumed", data: d.consumed, backgroundColor: "#15803d", yAxisID: "units", stack: "units", maxBarThickness: 24, order: 1 },
            { type: "bar", label: t.expiredLabel || "Expired", data: d.expired, backgroundColor: GREY, yAxisID: "units", stack: "units", maxBarThickness: 24, order: 1 }
          ]
        },
        options: {
          scales: {
            share: axis(t.shareAxis || "Consumed / delivered (%)", { position: "left", min: 0, suggestedMax: 100 }),
            units: axis(t.unitsAxis || "Units", { position: "right", beginAtZero: true, stacked: true, grid: { drawOnChartArea: false } }),
            x: axis(t.timeAxis || "Day", { type: "linear", offset: true, stacked: true, ticks: { color: INK, maxRotation: 0, autoSkip: true, maxTicksLimit: 7,
              callback: function (value) { return format.format(new Date(value)); } } })
          }
        }
      };
    },
    curves: function (d, canvas) {
      var sets = [
        { label: canvas.dataset.demand || gettext("Demand (bids)"), data: num(d.demand), borderColor: BLUE, backgroundColor: BLUE, pointRadius: 0, borderWidth: 2 },
        { label: canvas.dataset.supply || gettext("Supply (asks)"), data: num(d.supply), borderColor: ORANGE, backgroundColor: ORANGE, pointRadius: 0, borderWidth: 2, borderDash: [6, 3] }
      ];
      /* The division's own open orders: one segment each, at its limit, where it would sit. */
      [["buy", canvas.dataset.myBids || gettext("Your open bids"), "#15803d", "circle"],
       ["sell", canvas.dataset.myAsks || gettext("Your open asks"), "#7e22ce", "triangle"]].forEach(function (s) {
        var data = [];
        (d.mine || []).forEach(function (o) {
          if (o.side !== s[0]) return;
          data.push({ x: o.from, y: Number(o.y) }, { x: o.to, y: Number(o.y) }, { x: o.to, y: null });
        });
        if (data.length) sets.push({ label: s[1], data: data, borderColor: s[2], backgroundColor: s[2],
          borderWidth: 5, pointRadius: 4, pointStyle: s[3], spanGaps: false });
      });
      if (d.clearing) {
        sets.push({ type: "scatter", label: canvas.dataset.clearing || gettext("Clearing point"), data: num([d.clearing]), borderColor: INK,
          backgroundColor: "#fbbf24", pointRadius: 7, pointHoverRadius: 8, pointStyle: "rectRot" });
      }
      return {
        type: "line",
        data: { datasets: sets },
        options: { parsing: true, scales: {
          x: axis(canvas.dataset.unitsAxis || gettext("Units (cumulative)"), { type: "linear", beginAtZero: true, grace: "5%" }),
          y: axis(canvas.dataset.priceAxis || gettext("Price (credits per unit)"), { grace: "10%" })
        } }
      };
    }
  };

  function charts(root) {
    if (!window.Chart) return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.ready) return;
      var source = document.getElementById(canvas.dataset.source);
      var build = builders[canvas.dataset.chart];
      if (!source || !build) return;
      var config = build(JSON.parse(source.textContent), canvas);
      config.type = config.type || "bar";
      config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "nearest", intersect: false },
        plugins: { legend: { labels: { color: INK } } } }, config.options);
      var wrap = canvas.closest(".chart");
      if (wrap) wrap.classList.add("drawn");  /* sized before drawing */
      new window.Chart(canvas, config);
      canvas.dataset.ready = "1";
    });
  }

  /* The bundle form: the full name under a leg's market select follows the choice. */
  function legMarkets(root) {
    root.querySelectorAll("[data-market-of]").forEach(function (caption) {
      var select = document.getElementById(caption.dataset.marketOf);
      if (!select || select.dataset.captioned) return;
      select.dataset.captioned = "1";
      select.addEventListener("change", function () {
        var option = select.options[select.selectedIndex];
        caption.textContent = option && option.value ? option.text : "";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    stackTables(document);
    charts(document);
    legMarkets(document);
  });
  /* After a swap (a self-refreshing page redrawn, a preview): countdowns and new charts.
     An outerHTML swap replaces its target, so look for undrawn canvases in the whole page. */
  document.addEventListener("htmx:afterSettle", function () {
    tick();
    stackTables(document);
    charts(document);
    legMarkets(document);
  });
})();
