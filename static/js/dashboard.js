// Draws the dashboard's charts from the figures the page carries (no request of its own), and
// lets a click on a child area's bar drill down like the table's links.
(function () {
  if (!window.echarts) return;
  var script = document.getElementById("dashboard-script");
  var words = script.dataset;
  var months = (words.months || "").split(" ");
  function monthLabel(month) { return months[month - 1] || String(month); }
  var trend = JSON.parse(document.getElementById("trend-data").textContent || "[]");
  var children = JSON.parse(document.getElementById("children-data").textContent || "[]") || [];
  var charts = [];

  var trendBox = document.getElementById("trend-chart");
  if (trendBox) {
    var trendChart = echarts.init(trendBox);
    trendChart.setOption({
      animation: false,
      tooltip: {trigger: "axis"},
      legend: {data: [words.visits, words.days]},
      grid: {left: 40, right: 40, top: 40, bottom: 30},
      xAxis: {type: "category", data: trend.map(function (r) { return monthLabel(r.month); })},
      yAxis: [{type: "value", name: words.visits}, {type: "value", name: words.days}],
      series: [
        {name: words.visits, type: "bar", data: trend.map(function (r) { return r.visits; })},
        {name: words.days, type: "line", yAxisIndex: 1, data: trend.map(function (r) { return r.days; })}
      ]
    });
    charts.push(trendChart);
  }

  // The page hands over only the child areas with cadres to count (reports/dashboard_views.py).
  // Every bar keeps its name: the chart grows with the bars rather than ECharts thinning labels.
  var childBox = document.getElementById("children-chart");
  var shown = children;
  if (childBox && shown.length) {
    childBox.style.height = Math.max(160, shown.length * 28 + 50) + "px";
    var childChart = echarts.init(childBox);
    childChart.setOption({
      animation: false,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      grid: {left: 10, right: 50, top: 10, bottom: 30, containLabel: true},
      xAxis: {type: "value", max: 100, name: words.rate, nameLocation: "middle", nameGap: 24},
      yAxis: {type: "category", inverse: true, axisLabel: {interval: 0}, data: shown.map(function (r) { return r.name; })},
      series: [{type: "bar", barMaxWidth: 18, label: {show: true, position: "right", formatter: "{c}%"},
                data: shown.map(function (r) { return Number(r.compliance_rate); })}]
    });
    childChart.on("click", function (params) {
      var row = shown[params.dataIndex];
      if (!row) return;
      var url = new URL(window.location.href);
      url.searchParams.set("area", row.code);
      window.location.href = url.toString();
    });
    charts.push(childChart);
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
