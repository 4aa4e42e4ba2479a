//! Third-party readers that panic on some malformed input (redb on damaged pages, parquet on
//! absurd lengths in a footer) instead of returning an error: their calls run here, and a panic
//! becomes an error message for the caller's typed error. The panic is not printed.

/// Runs `op`; a panic inside it comes back as `Err` with its message.
pub(crate) fn without_panics<T>(op: impl FnOnce() -> T) -> Result<T, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(op));
    std::panic::set_hook(hook);
    out.map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "the reader failed".into())
    })
}
