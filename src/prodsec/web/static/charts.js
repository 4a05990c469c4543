// Charts drawn in the page: every <figure class="chart" data-spec="URL"> gets the
// Vega-Lite spec at URL drawn by vega-embed in its .chart-view, in place of the static
// picture that readers without JavaScript see. Vega runs with its expression
// interpreter (no code generated at run time), so the Content-Security-Policy needs no
// 'unsafe-eval'. Loaded as a module after the vendored vega, vega-lite and vega-embed.
import { expressionInterpreter } from "./vendor/vega-interpreter-2.3.2.js";

const OPTIONS = {
  ast: true,
  expr: expressionInterpreter,
  actions: false,
  renderer: "svg",
  config: {
    font: "system-ui, sans-serif",
    view: { stroke: null },
    axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#e6e9ed" },
    // the figure's label names the chart; its caption and the table below it say the rest
    title: { fontSize: 14, subtitleColor: "#4f5661", aria: false },
  },
};

async function draw(figure) {
  const view = figure.querySelector(".chart-view");
  if (!view || figure.dataset.drawn === figure.dataset.spec) {
    return;
  }
  const answer = await fetch(figure.dataset.spec, { headers: { Accept: "application/json" } });
  if (!answer.ok) {
    return; // the static picture stays
  }
  const spec = await answer.json();
  spec.description = figure.dataset.label; // what a screen reader announces for the chart
  if (spec.title && spec.title.subtitle) {
    delete spec.title.subtitle; // the filter: the figure's caption says it already
  }
  if (view.classList.contains("fit")) {
    spec.width = "container";
    spec.autosize = { type: "fit-x", contains: "padding" };
    spec.config = { legend: { orient: "top" }, axis: { labelLimit: 120 } };
  }
  const before = [...view.childNodes];
  const holder = document.createElement("div");
  view.replaceChildren(holder); // in the page first: a chart that fits measures its box
  try {
    await vegaEmbed(holder, spec, OPTIONS);
  } catch (error) {
    view.replaceChildren(...before);
    throw error;
  }
  figure.dataset.drawn = figure.dataset.spec;
}

function drawAll() {
  for (const figure of document.querySelectorAll("figure.chart[data-spec]")) {
    draw(figure).catch((error) => console.warn("chart not drawn:", error));
  }
}

drawAll();
document.body.addEventListener("htmx:afterSettle", drawAll);
