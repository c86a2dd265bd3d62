//! A small pool of parser threads, apart from the async runtime: parsing a
//! hostile page can take seconds of CPU, and on an async worker that
//! would stall every feed and `/healthz` behind it.
//!
//! The threads are plain OS threads (one per core), so the runtime never
//! waits for them at shutdown: a parse still running when the process is
//! told to stop is simply cut off with it. A job whose caller has gone
//! (deadline passed, preview client disconnected) is dropped unstarted.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// The pool's queue; the threads start with the first job.
static QUEUE: LazyLock<Mutex<Sender<Job>>> = LazyLock::new(|| {
    let (tx, rx) = channel::<Job>();
    let rx = Arc::new(Mutex::new(rx));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    for i in 0..threads {
        let rx = Arc::clone(&rx);
        let spawned = std::thread::Builder::new()
            .name(format!("portalfeed-parse-{i}"))
            .spawn(move || work(&rx));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start a parser thread");
        }
    }
    Mutex::new(tx)
});

/// How many parser threads there are.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn work(rx: &Mutex<Receiver<Job>>) {
    loop {
        let job = {
            let rx = rx.lock().unwrap_or_else(PoisonError::into_inner);
            rx.recv()
        };
        let Ok(job) = job else { return };
        // A panic in one parse must not take the thread with it.
        if catch_unwind(AssertUnwindSafe(job)).is_err() {
            tracing::error!("a parse panicked; the page was dropped");
        }
    }
}

/// Runs `job` on a parser thread; the receiver gets its result, or is
/// closed if the job panicked or the pool is gone. Dropping the receiver
/// before the job starts cancels it.
pub fn submit<T, F>(job: F) -> oneshot::Receiver<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    let job: Job = Box::new(move || {
        if tx.is_closed() {
            return;
        }
        let _ = tx.send(job());
    });
    let sent = QUEUE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .send(job);
    if sent.is_err() {
        tracing::error!("the parser threads are gone");
    }
    rx
}
