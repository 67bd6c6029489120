// Dashboard and big-screen charts (Apache ECharts). Data comes from the JSON block
// #dashboard-data rendered by the server; labels are already translated.
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const dark = document.body.dataset.theme === "dark";
  const text = dark ? "#e8eef9" : "#333";
  const palette = ["#c8372d", "#2f6fb0", "#f0a020", "#3a9d5d", "#7a4fb5", "#1fa2a8", "#d4577b", "#8c6d3f"];
  const base = {
    color: palette,
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, color: text, fontSize: dark ? 18 : 12 },
    toolbox: dark ? undefined : { feature: { saveAsImage: { title: data.labels.save, pixelRatio: 2 } } },
    tooltip: { trigger: "item" },
  };
  const charts = [];

  function draw(id, option) {
    const el = document.getElementById(id);
    if (!el) return;
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(Object.assign({}, base, option));
    charts.push(chart);
  }

  function axis(names) {
    return { type: "category", data: names, axisLabel: { color: text, interval: 0, rotate: names.length > 8 ? 30 : 0 } };
  }

  function pie(items, title) {
    return {
      title: dark ? { text: title, textStyle: { color: text, fontSize: 22 } } : undefined,
      legend: { bottom: 0, textStyle: { color: text } },
      series: [{ type: "pie", radius: ["38%", "62%"], center: ["50%", dark ? "56%" : "50%"], data: items,
                 label: { color: text, formatter: "{b}\n{c}" } }],
    };
  }

  draw("chart-by_region", {
    title: dark ? { text: data.labels.by_region, textStyle: { color: text, fontSize: 22 } } : undefined,
    tooltip: { trigger: "axis" },
    grid: { left: 50, right: 20, bottom: 70, top: dark ? 50 : 30 },
    xAxis: axis(data.by_region.map((r) => r.name)),
    yAxis: { type: "value", axisLabel: { color: text } },
    series: [{ type: "bar", name: data.labels.employed, data: data.by_region.map((r) => r.laborers_employed),
               label: { show: true, position: "top", color: text } }],
  });
  draw("chart-trend", {
    title: dark ? { text: data.labels.trend, textStyle: { color: text, fontSize: 22 } } : undefined,
    tooltip: { trigger: "axis" },
    legend: { bottom: 0, textStyle: { color: text } },
    grid: { left: 50, right: 20, bottom: 50, top: dark ? 50 : 30 },
    xAxis: axis(data.trend.map((t) => t.month.slice(5))),
    yAxis: { type: "value", axisLabel: { color: text } },
    series: [
      { type: "line", name: data.labels.employed, data: data.trend.map((t) => t.employed), smooth: true },
      { type: "line", name: data.labels.on_payroll, data: data.trend.map((t) => t.on_payroll), smooth: true },
      { type: "line", name: data.labels.positions, data: data.trend.map((t) => t.positions), smooth: true },
    ],
  });
  draw("chart-site_type", pie(data.breakdowns.site_type, data.labels.site_type));
  draw("chart-creation_mode", pie(data.breakdowns.creation_mode, data.labels.creation_mode));
  const industries = data.breakdowns.industry.slice(0, 8).reverse();
  draw("chart-industry", {
    title: dark ? { text: data.labels.industry, textStyle: { color: text, fontSize: 22 } } : undefined,
    grid: { left: 140, right: 30, top: dark ? 50 : 20, bottom: 30 },
    xAxis: { type: "value", axisLabel: { color: text } },
    yAxis: { type: "category", data: industries.map((i) => i.name), axisLabel: { color: text } },
    series: [{ type: "bar", name: data.labels.workshops, data: industries.map((i) => i.value),
               label: { show: true, position: "right", color: text } }],
  });
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
