//! How the loop reports what it is doing; the runner draws bars, a library user may ignore it.

/// Receives events from the training loop.
pub trait Progress {
    /// A training run starts; its validations measure `validation`.
    fn training_starts(&mut self, _validation: tricks_run::ValidationMeasure) {}
    /// An epoch of `examples` training examples starts (`done` of them already processed, when a
    /// resumed run continues an epoch).
    fn epoch_start(&mut self, _epoch: usize, _examples: usize, _done: usize) {}
    /// `examples` more examples were processed; `train_loss` is the running mean loss of the epoch when known.
    fn advance(&mut self, _examples: usize, _train_loss: Option<f64>) {}
    /// A validation ended.
    fn validated(&mut self, _point: &crate::CurvePoint, _best: bool) {}
    /// The epoch ended.
    fn epoch_end(&mut self) {}
    /// Something the user should read (a restart after divergence, say).
    fn message(&mut self, _text: &str) {}
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {}
