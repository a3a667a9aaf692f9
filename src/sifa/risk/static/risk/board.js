/* Situation charts of the dispute board (E5): data from the json_script element; tables carry the same figures. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("situation-data");
    if (!source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var mapEl = document.getElementById("situation-map");
    if (mapEl && window.echarts.getMap && window.echarts.getMap("china")) {
      var max = 1;
      data.provinces.forEach(function (p) { if (p.value > max) { max = p.value; } });
      window.echarts.init(mapEl).setOption({
        animation: false,
        tooltip: { trigger: "item" },
        visualMap: { min: 0, max: max, left: "left", bottom: 0, text: ["多", "少"], calculable: true },
        series: [{ type: "map", map: "china", name: data.year + "年纠纷", data: data.provinces, roam: true }]
      });
    }
    var barsEl = document.getElementById("situation-bars");
    if (barsEl) {
      window.echarts.init(barsEl).setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { data: ["本年", "上年"] },
        xAxis: { type: "category", data: data.rows.map(function (r) { return r.name; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: "本年", type: "bar", data: data.rows.map(function (r) { return r.total; }) },
          { name: "上年", type: "bar", data: data.rows.map(function (r) { return r.last_year; }) }
        ]
      });
    }
    var trendEl = document.getElementById("situation-trend");
    if (trendEl) {
      window.echarts.init(trendEl).setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: data.months.map(function (_, i) { return (i + 1) + "月"; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: data.year + "年", type: "line", data: data.months }]
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
