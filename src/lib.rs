//! themescope: find the themes running through a corpus of articles and the attitude each text
//! takes toward the actors it names.
//!
//! Every pipeline stage is a library module with typed inputs and outputs (see `DESIGN.md` in the
//! shared folder); the binary only parses arguments and calls these functions.
//!
//! | stage | module |
//! |---|---|
//! | read and clean files into documents and paragraphs | [`corpus`] |
//! | find and verify model files | [`model`] |
//! | paragraphs → vectors (and token vectors) | [`embed`] |
//! | vectors already computed, by model and text | [`cache`] |
//! | vectors ⇄ `.npy` / `.safetensors` / `.parquet` | [`store`] |
//! | vectors → themes named by key phrases | [`themes`] |
//! | actor files, the built-in gazetteer, discovery, mentions | [`actors`] |
//! | attitude toward each mention, and its aggregation | [`sentiment`] |
//! | everything → report.json / .md / .html, paragraphs.parquet | [`report`] |

pub mod actors;
pub mod cache;
pub mod corpus;
pub mod embed;
pub mod fsutil;
pub mod model;
pub mod report;
pub mod sentiment;
pub mod store;
pub mod themes;
