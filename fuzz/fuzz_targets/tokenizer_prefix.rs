#![no_main]
//! The tokenizer front: the bounded prefix of any text tokenises to the same first tokens as
//! the whole text. Needs the real tokenizer: `$THEMESCOPE_MODELS/sentence-transformers--all-MiniLM-L6-v2`.
use std::sync::OnceLock;

use themescope::embed::{bounded_prefix, load_tokenizer};
use tokenizers::Tokenizer;

const MAX_LENGTH: usize = 16;

fn tokenizer() -> &'static Tokenizer {
    static TOKENIZER: OnceLock<Tokenizer> = OnceLock::new();
    TOKENIZER.get_or_init(|| {
        let models = std::env::var("THEMESCOPE_MODELS").expect("THEMESCOPE_MODELS is set");
        let path = std::path::Path::new(&models)
            .join("sentence-transformers--all-MiniLM-L6-v2/tokenizer.json");
        load_tokenizer(&path, MAX_LENGTH).expect("the tokenizer loads")
    })
}

libfuzzer_sys::fuzz_target!(|text: &str| {
    let tok = tokenizer();
    let prefix = bounded_prefix(tok, text, MAX_LENGTH).expect("tokenising a prefix");
    let whole = tok.encode(text, true).expect("tokenising the text");
    let cut = tok.encode(prefix, true).expect("tokenising the prefix");
    assert_eq!(
        whole.get_ids(),
        cut.get_ids(),
        "the prefix changes the tokens"
    );
});
