//! themescope: find the themes running through a corpus of articles and the attitude each text
//! takes toward the actors it names.
//!
//! Every stage is a library module with typed inputs and outputs; [`pipeline`] runs them in
//! order, and the binary (`src/cli/`) only parses arguments, draws progress and prints results.
//! `ARCHITECTURE.md` at the repository root is the map: the flow, the types passed between
//! stages, and where new code goes.
//!
//! | stage | module |
//! |---|---|
//! | read and clean files into documents and paragraphs | [`corpus`] |
//! | find and verify model files | [`model`] |
//! | paragraphs → vectors (and token vectors) | [`embed`] |
//! | vectors ⇄ `.npy` / `.safetensors` / `.parquet` | [`store`] |
//! | vectors already computed, by model and text | [`cache`] |
//! | vectors → themes named by key phrases | [`themes`] |
//! | actor files, the built-in gazetteer, discovery, mentions | [`actors`] |
//! | attitude toward each mention, and its aggregation | [`sentiment`] |
//! | documents on time and group axes; themes and attitudes per bin and group | [`timeline`] |
//! | every setting of a run, from defaults, file and options | [`config`] |
//! | everything → report.json / .md / .html, paragraphs.parquet, run.json | [`report`] |
//! | the whole job, with progress events | [`pipeline`] |
//!
//! A module uses only those above it in this table (and the helpers [`fsutil`], [`wordlist`]).

pub mod actors;
pub mod cache;
pub mod config;
pub mod corpus;
pub mod embed;
pub mod fsutil;
mod guard;
pub mod message;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod sentiment;
pub mod store;
pub mod themes;
pub mod timeline;
pub mod wordlist;
