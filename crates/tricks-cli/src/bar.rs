//! Progress bars: one per epoch, with rate, ETA, running loss and validation error.

use indicatif::{ProgressBar, ProgressStyle};
use tricks_run::{CurvePoint, ValidationMeasure};
use tricks_train::Progress;

/// Draws training progress on the terminal.
pub struct Bars {
    bar: Option<ProgressBar>,
    last_valid: Option<f64>,
    best_valid: Option<f64>,
    loss: Option<f64>,
    validation: ValidationMeasure,
}

impl Bars {
    pub fn new() -> Self {
        Bars { bar: None, last_valid: None, best_valid: None, loss: None, validation: ValidationMeasure::ClassificationError }
    }

    fn refresh(&self) {
        if let Some(bar) = &self.bar {
            let unit = self.validation.unit();
            let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.4}{unit}"));
            bar.set_message(format!(
                "loss {} · valid {} · best {}",
                self.loss.map_or("-".to_string(), |l| format!("{l:.4}")),
                fmt(self.last_valid),
                fmt(self.best_valid)
            ));
        }
    }
}

impl Progress for Bars {
    fn training_starts(&mut self, validation: ValidationMeasure) {
        *self = Bars { validation, ..Bars::new() };
    }

    fn epoch_start(&mut self, epoch: usize, examples: usize, done: usize) {
        let bar = ProgressBar::new(examples as u64).with_prefix(format!("epoch {epoch:>4}"));
        bar.set_position(done as u64);
        bar.set_style(
            ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {per_sec:>14} ETA {eta:>3} {msg}").expect("valid template").progress_chars("=> "),
        );
        self.bar = Some(bar);
        self.refresh();
    }

    fn advance(&mut self, examples: usize, train_loss: Option<f64>) {
        if train_loss.is_some() {
            self.loss = train_loss;
            self.refresh();
        }
        if let Some(bar) = &self.bar {
            bar.inc(examples as u64);
        }
    }

    fn validated(&mut self, point: &CurvePoint, best: bool) {
        self.last_valid = Some(point.valid_error);
        self.loss = Some(point.train_loss);
        if best {
            self.best_valid = Some(point.valid_error);
            self.message(&format!(
                "epoch {:>4} · {:>10} examples · loss {:.4} · {} {:.4}{} (new best)",
                point.epoch,
                point.examples_seen,
                point.train_loss,
                self.validation.name(),
                point.valid_error,
                self.validation.unit()
            ));
        }
        self.refresh();
    }

    fn epoch_end(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn message(&mut self, text: &str) {
        match &self.bar {
            Some(bar) if !bar.is_hidden() => bar.println(text),
            _ => eprintln!("{text}"),
        }
    }
}
