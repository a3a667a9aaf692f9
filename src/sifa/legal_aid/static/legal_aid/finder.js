/* 求法援 map: China -> province (cities, from vendor/geo/<code>.json) -> the list, by navigation.
   Every choice becomes a GET request of the same page, so the server computes the list (and the
   distances); without JavaScript the selects above do the same. */
(function () {
  "use strict";
  var box = document.getElementById("finder-map");
  if (!box || typeof echarts === "undefined") { return; }
  var withMaps = JSON.parse(document.getElementById("finder-map-provinces").textContent);
  var form = document.getElementById("finder-form");
  var tools = document.getElementById("finder-map-tools");
  box.hidden = false;
  tools.hidden = false;
  var chart = echarts.init(box);
  window.sifaFinderChart = chart;

  var china = echarts.getMap("china");
  var provinceCode = {};
  (china && china.geoJSON ? china.geoJSON.features : []).forEach(function (f) {
    if (f.id) { provinceCode[f.properties.name] = String(f.id); }
  });

  function go(params) {
    var url = new URL(window.location.href);
    ["province", "division"].forEach(function (k) { url.searchParams.delete(k); });
    Object.keys(params).forEach(function (k) { url.searchParams.set(k, params[k]); });
    window.location.assign(url.toString());
  }

  function show(mapName, selected) {
    chart.setOption({
      animation: false,  // no zoom-in motion (vestibular comfort); the map is ready once drawn
      series: [{
        type: "map", map: mapName, roam: false, selectedMode: "single",
        label: { show: mapName !== "china", fontSize: 12 },
        emphasis: { label: { show: true } },
        data: selected ? [{ name: selected, selected: true }] : []
      }]
    }, true);
  }

  function markReadyWhenDrawn() {
    chart.on("finished", function once() {
      chart.off("finished", once);
      box.dataset.ready = "1";
    });
  }

  var current = box.dataset.province;
  var division = box.dataset.division;
  chart.on("click", function (p) {
    if (!current || current === "") {
      var code = provinceCode[p.name];
      if (code) { go({ province: code }); }
      return;
    }
    var feature = (echarts.getMap(current).geoJSON.features || []).filter(function (f) {
      return f.properties.name === p.name;
    })[0];
    if (feature) { go({ province: current, division: feature.properties.code }); }
  });

  if (current && withMaps.indexOf(current) >= 0) {
    fetch(box.dataset.geoBase + current + ".json").then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap(current, geo);
      var sel = (geo.features || []).filter(function (f) { return division && division.indexOf(f.properties.code.slice(0, 4)) === 0; })[0];
      markReadyWhenDrawn();
      show(current, sel ? sel.properties.name : null);
    });
  } else {
    current = "";
    markReadyWhenDrawn();
    show("china", null);
  }

  document.getElementById("finder-back").addEventListener("click", function () {
    window.location.assign(form.getAttribute("action"));
  });
  var status = document.getElementById("finder-locate-status");
  document.getElementById("finder-locate").addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = "您的浏览器不支持定位，请用选择框查找。"; return; }
    status.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      var url = new URL(window.location.href);
      url.searchParams.set("lat", pos.coords.latitude.toFixed(5));
      url.searchParams.set("lng", pos.coords.longitude.toFixed(5));
      window.location.assign(url.toString());
    }, function () { status.textContent = "没有取得位置，请用选择框查找。"; }, { timeout: 8000 });
  });
})();
