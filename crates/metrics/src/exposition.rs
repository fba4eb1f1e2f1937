//! Writing metric families in the Prometheus text format.

use std::fmt::Write;

/// A scrape's text, family by family. Each family is written once, with its `HELP` and
/// `TYPE` lines before its samples.
#[derive(Debug, Default)]
pub struct Exposition {
    text: String,
}

impl Exposition {
    /// Writes a gauge family: one sample per label set.
    pub fn gauge(&mut self, name: &str, help: &str, samples: &[(&[(&str, &str)], f64)]) {
        self.header(name, help, "gauge");
        for (labels, value) in samples {
            self.sample(name, labels, *value);
        }
    }

    /// Writes a gauge with a single, unlabelled sample.
    pub fn gauge_one(&mut self, name: &str, help: &str, value: f64) {
        self.gauge(name, help, &[(&[], value)]);
    }

    /// The text, ready to serve as `text/plain; version=0.0.4`.
    pub fn finish(self) -> String {
        self.text
    }

    pub(crate) fn header(&mut self, name: &str, help: &str, kind: &str) {
        let _ = writeln!(self.text, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
    }

    pub(crate) fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.text.push_str(name);
        if !labels.is_empty() {
            self.text.push('{');
            for (i, (key, value)) in labels.iter().enumerate() {
                if i > 0 {
                    self.text.push(',');
                }
                let _ = write!(self.text, "{key}=\"{}\"", escape_value(value));
            }
            self.text.push('}');
        }
        let _ = writeln!(self.text, " {}", number(value));
    }
}

/// A sample value as Prometheus reads it: integers without a fraction, `+Inf`, `NaN`.
pub(crate) fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// A label value with `\`, `"` and newlines escaped.
fn escape_value(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A help text with `\` and newlines escaped.
fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauges_are_written_with_their_header_and_escaped_labels() {
        let mut out = Exposition::default();
        out.gauge(
            "tidings_jobs",
            "Jobs by state.",
            &[
                (&[("state", "queued")], 3.0),
                (&[("state", "a\"b\\c\nd")], 0.5),
            ],
        );
        out.gauge_one("tidings_lag_seconds", "Lag.", f64::INFINITY);
        assert_eq!(
            out.finish(),
            "# HELP tidings_jobs Jobs by state.\n# TYPE tidings_jobs gauge\n\
             tidings_jobs{state=\"queued\"} 3\ntidings_jobs{state=\"a\\\"b\\\\c\\nd\"} 0.5\n\
             # HELP tidings_lag_seconds Lag.\n# TYPE tidings_lag_seconds gauge\n\
             tidings_lag_seconds +Inf\n"
        );
    }
}
