//! Charts drawn on the server as inline SVG: nothing to load, no script, readable on a phone
//! (the drawing scales to the width of the page) and printable. One kind for now, the stacked
//! bar chart: one bar per group (a week), one coloured segment per series (a category, a khu
//! phố), a value axis with round ticks, and a legend under the plot — in HTML, each entry with a
//! small SVG swatch, so that on a phone it wraps and keeps the page's type size while the plot
//! shrinks. Colours come from a fixed palette, in series order; every text goes through maud,
//! so it is escaped.

use maud::{html, Markup};

/// Series colours, in order (cycled past the end): distinct on a white page and in grey print.
pub const PALETTE: [&str; 12] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939",
];

/// What the chart says when every value is zero.
pub const NO_DATA: &str = "Chưa có số liệu";

/// The drawing's coordinate system (it scales to the page).
const WIDTH: f64 = 480.0;
/// Room left of the plot for the value axis' numbers.
const LEFT: f64 = 34.0;
/// Room right of the plot.
const RIGHT: f64 = 10.0;
/// Room above the plot (for the top bar's total).
const TOP: f64 = 18.0;
/// The plot's height.
const PLOT: f64 = 180.0;
/// Room under the plot for the groups' labels.
const AXIS: f64 = 24.0;
/// Type size of the axis' labels and the bars' totals.
const FONT: &str = "13";

/// One series: its name in the legend and one value per group.
#[derive(Debug, Clone)]
pub struct Series {
    /// Shown in the legend.
    pub label: String,
    /// One per group, in group order (missing ones count as zero).
    pub values: Vec<u64>,
}

/// A stacked bar chart.
#[derive(Debug, Clone)]
pub struct StackedBars {
    /// Read out by screen readers and shown as a tooltip.
    pub title: String,
    /// The bars' labels, left to right.
    pub groups: Vec<String>,
    /// The segments, bottom to top.
    pub series: Vec<Series>,
}

impl StackedBars {
    /// The height of each group's bar (the sum of its segments).
    pub fn totals(&self) -> Vec<u64> {
        (0..self.groups.len())
            .map(|g| self.series.iter().map(|s| value(s, g)).sum())
            .collect()
    }

    /// The chart: a `<figure>` holding the `<svg>` and its legend; a "no figures yet" drawing
    /// when every value is zero.
    pub fn render(&self) -> Markup {
        let totals = self.totals();
        let top = totals.iter().copied().max().unwrap_or(0);
        if top == 0 {
            return empty(&self.title);
        }
        let (max, step) = scale(top);
        let height = TOP + PLOT + AXIS;
        let plot_width = WIDTH - LEFT - RIGHT;
        let slot = plot_width / self.groups.len().max(1) as f64;
        let bar = (slot * 0.64).min(44.0);
        let y = |v: u64| TOP + PLOT - bar_height(v, max);
        let ticks: Vec<u64> = (0..=max / step).map(|i| i * step).collect();
        html! {
            figure.chart {
            svg.chart xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(self.title)
                viewBox=(format!("0 0 {WIDTH} {height}")) {
                title { (self.title) }
                g.axis font-size=(FONT) fill="#5f6368" {
                    @for tick in &ticks {
                        line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(fmt(y(*tick))) y2=(fmt(y(*tick)))
                            stroke=(if *tick == 0 { "#9aa0a6" } else { "#e8eaed" }) {}
                        text x=(LEFT - 6.0) y=(fmt(y(*tick) + 4.0)) text-anchor="end" { (tick) }
                    }
                    @for (g, label) in self.groups.iter().enumerate() {
                        text x=(fmt(LEFT + slot * (g as f64 + 0.5))) y=(fmt(TOP + PLOT + 16.0))
                            text-anchor="middle" { (label) }
                    }
                }
                @for (g, group) in self.groups.iter().enumerate() {
                    g {
                        @for segment in segments(&self.series, g, max) {
                            rect x=(fmt(LEFT + slot * g as f64 + (slot - bar) / 2.0))
                                y=(fmt(TOP + PLOT - segment.top)) width=(fmt(bar))
                                height=(fmt(segment.height)) fill=(segment.colour) {
                                title { (group) " · " (segment.label) ": " (segment.value) }
                            }
                        }
                        @if totals[g] > 0 {
                            text x=(fmt(LEFT + slot * (g as f64 + 0.5))) y=(fmt(y(totals[g]) - 4.0))
                                text-anchor="middle" font-size=(FONT) font-weight="600" fill="#1d2330" {
                                (totals[g])
                            }
                        }
                    }
                }
            }
            figcaption {
                ul.legend {
                    @for (i, series) in self.series.iter().enumerate() {
                        li {
                            svg xmlns="http://www.w3.org/2000/svg" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" {
                                rect width="12" height="12" rx="2" fill=(colour(i)) {}
                            }
                            " " (series.label)
                        }
                    }
                }
            }
            }
        }
    }
}

/// One drawn piece of a bar.
struct Segment<'a> {
    label: &'a str,
    value: u64,
    colour: &'static str,
    /// Height of the bar up to this segment's top, in drawing units.
    top: f64,
    height: f64,
}

/// The non-empty segments of group `g`, bottom to top.
fn segments(series: &[Series], g: usize, max: u64) -> Vec<Segment<'_>> {
    let mut below = 0;
    let mut out = Vec::new();
    for (i, s) in series.iter().enumerate() {
        let v = value(s, g);
        if v == 0 {
            continue;
        }
        let top = bar_height(below + v, max);
        out.push(Segment {
            label: &s.label,
            value: v,
            colour: colour(i),
            top,
            height: top - bar_height(below, max),
        });
        below += v;
    }
    out
}

fn value(series: &Series, group: usize) -> u64 {
    series.values.get(group).copied().unwrap_or(0)
}

/// A series' colour.
pub fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// Height in drawing units of `value` on an axis reaching `max`.
fn bar_height(value: u64, max: u64) -> f64 {
    if max == 0 {
        0.0
    } else {
        PLOT * value as f64 / max as f64
    }
}

/// The axis' top (at least `top`) and its tick step: 1, 2 or 5 times a power of ten, so that
/// there are at most five steps.
fn scale(top: u64) -> (u64, u64) {
    let mut magnitude = 1;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * magnitude;
            let steps = top.div_ceil(step);
            if steps <= 5 {
                return (steps.max(1) * step, step);
            }
        }
        magnitude *= 10;
    }
}

/// A coordinate with at most one decimal.
fn fmt(v: f64) -> String {
    let v = (v * 10.0).round() / 10.0;
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The drawing for a chart without figures.
fn empty(title: &str) -> Markup {
    html! {
        svg.chart.empty xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(title)
            viewBox=(format!("0 0 {WIDTH} 80")) {
            title { (title) }
            rect x="1" y="1" width=(WIDTH - 2.0) height="78" rx="6" fill="#fff" stroke="#c4c9d2"
                stroke-dasharray="4 4" {}
            text x=(WIDTH / 2.0) y="45" text-anchor="middle" font-size="14" fill="#5f6368" {
                (NO_DATA)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(series: Vec<(&str, Vec<u64>)>) -> StackedBars {
        StackedBars {
            title: "Tin báo theo tuần".into(),
            groups: vec!["01/06".into(), "08/06".into(), "15/06".into()],
            series: series
                .into_iter()
                .map(|(label, values)| Series {
                    label: label.into(),
                    values,
                })
                .collect(),
        }
    }

    /// The `height` of every `<rect>` with this fill.
    fn heights(svg: &str, fill: &str) -> Vec<f64> {
        svg.split("<rect")
            .skip(1)
            .map(|r| &r[..r.find('>').unwrap()])
            .filter(|r| r.contains(&format!("fill=\"{fill}\"")) && !r.contains("width=\"12\""))
            .map(|r| {
                let at = r.find(" height=\"").unwrap() + 9;
                r[at..].split('"').next().unwrap().parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn bar_heights_are_proportional_to_the_values() {
        let svg = chart(vec![("Trộm cắp", vec![2, 4, 1])])
            .render()
            .into_string();
        let h = heights(&svg, PALETTE[0]);
        assert_eq!(h.len(), 3, "{svg}");
        assert!((h[1] - 2.0 * h[0]).abs() < 0.2, "{h:?}");
        assert!((h[0] - 2.0 * h[2]).abs() < 0.2, "{h:?}");
        // The axis reaches 4 (steps of 1): the tallest bar fills the plot.
        assert!((h[1] - PLOT).abs() < 0.2, "{h:?}");
    }

    #[test]
    fn segments_stack_to_the_group_total_in_palette_order() {
        let c = chart(vec![
            ("Trộm cắp", vec![3, 0, 1]),
            ("Lừa đảo", vec![1, 2, 0]),
        ]);
        assert_eq!(c.totals(), vec![4, 2, 1]);
        let svg = c.render().into_string();
        let (a, b) = (heights(&svg, PALETTE[0]), heights(&svg, PALETTE[1]));
        // Zero segments are not drawn.
        assert_eq!((a.len(), b.len()), (2, 2), "{svg}");
        assert!((a[0] + b[0] - PLOT).abs() < 0.2, "{a:?} {b:?}");
        assert!((a[0] - 3.0 * b[0]).abs() < 0.2, "{a:?} {b:?}");
        for label in ["Trộm cắp", "Lừa đảo", "01/06", "15/06"] {
            assert!(svg.contains(label), "{label}: {svg}");
        }
        assert!(
            svg.starts_with("<figure") && svg.ends_with("</figure>"),
            "{svg}"
        );
        // The legend: each series once, with its colour.
        let legend = &svg[svg.find("<figcaption").unwrap()..];
        for (i, label) in ["Trộm cắp", "Lừa đảo"].iter().enumerate() {
            assert!(
                legend.contains(label) && legend.contains(PALETTE[i]),
                "{legend}"
            );
        }
    }

    #[test]
    fn without_figures_it_says_so() {
        for c in [
            chart(vec![]),
            chart(vec![("Trộm cắp", vec![0, 0, 0])]),
            StackedBars {
                title: "x".into(),
                groups: vec![],
                series: vec![],
            },
        ] {
            let svg = c.render().into_string();
            assert!(svg.contains(NO_DATA) && svg.starts_with("<svg"), "{svg}");
            assert!(!svg.contains(PALETTE[0]), "{svg}");
        }
    }

    #[test]
    fn labels_and_titles_are_escaped() {
        let mut c = chart(vec![("<script>alert(1)</script>", vec![1, 0, 0])]);
        c.title = "a\" onload=\"x".into();
        c.groups[0] = "<b>&".into();
        let svg = c.render().into_string();
        assert!(!svg.contains("<script>") && !svg.contains("<b>"), "{svg}");
        assert!(
            svg.contains("&lt;script&gt;") && svg.contains("&lt;b&gt;&amp;"),
            "{svg}"
        );
        assert!(!svg.contains("\" onload=\""), "{svg}");
        let empty = chart(vec![]);
        let svg = StackedBars {
            title: "<i>".into(),
            ..empty
        }
        .render()
        .into_string();
        assert!(!svg.contains("<i>"), "{svg}");
    }

    #[test]
    fn the_axis_is_round() {
        assert_eq!(scale(1), (1, 1));
        assert_eq!(scale(4), (4, 1));
        assert_eq!(scale(7), (8, 2));
        assert_eq!(scale(13), (15, 5));
        assert_eq!(scale(23), (25, 5));
        assert_eq!(scale(480), (500, 100));
        assert_eq!(fmt(12.0), "12");
        assert_eq!(fmt(12.345), "12.3");
    }
}
