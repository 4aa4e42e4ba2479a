//! What a running pipeline tells its caller: stages, progress counts, information and warnings.
//! The library never prints; the CLI draws bars and lines, a Python caller or a distributed
//! worker does what suits it.

/// The stages of a run, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Read,
    LoadModel,
    Embed,
    Themes,
    Sentiment,
    Report,
}

impl Stage {
    /// The stage's name in `run.json`.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::LoadModel => "load model",
            Stage::Embed => "embed",
            Stage::Themes => "themes",
            Stage::Sentiment => "sentiment",
            Stage::Report => "report",
        }
    }
}

/// A counted piece of work inside a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Paragraphs embedded (or found in the cache).
    Embedding,
    /// Actor mentions scored (or found in the cache).
    Mentions,
    /// Feature vectors computed for training a head.
    Features,
    /// Labelled examples scored in an evaluation.
    Scoring,
    /// Training steps of an epoch.
    Training,
}

impl Task {
    pub fn name(self) -> &'static str {
        match self {
            Task::Embedding => "embedding",
            Task::Mentions => "mentions",
            Task::Features => "features",
            Task::Scoring => "scoring",
            Task::Training => "training",
        }
    }
}

/// Receives a run's progress. Every method does nothing by default.
pub trait Events {
    fn stage_started(&mut self, _stage: Stage) {}
    fn stage_finished(&mut self, _stage: Stage, _seconds: f64) {}
    /// A task of `total` items begins.
    fn task_started(&mut self, _task: Task, _total: usize) {}
    /// `done` more items of the current task are finished.
    fn task_progress(&mut self, _done: usize) {}
    fn task_finished(&mut self) {}
    /// Something worth a line: counts, what the cache held, where the files went.
    fn info(&mut self, _message: &str) {}
    /// Something the caller should see even when it wants quiet: a skipped file, a cache that
    /// could not be opened.
    fn warning(&mut self, _message: &str) {}
}

/// Events that go nowhere.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Events for Silent {}
