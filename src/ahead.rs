//! Work done ahead on a thread of a scope and read here in order, a batch at a time over a
//! bounded channel: the stages of a large guide's reading (`extract::blocks_ahead`,
//! `pipeline::with_steps`) each get a core, and memory stays flat.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::{Scope, ScopedJoinHandle};

/// Items sent at a time, and batches made ahead at most. A batch handed over may wake a
/// sleeping thread: at 512 items a 10 MB guide's plan switched threads 1,900 times, a fifth
/// of its time; at 2,048, 220 times (its peak memory grows by a megabyte or two).
const BATCH: usize = 2048;
const BATCHES_AHEAD: usize = 2;
/// The weight (about the bytes an item holds besides its own size) at which a batch is sent
/// before it is full: long code blocks, each holding a span per line, would otherwise make
/// the blocks held ahead grow with the guide.
const BATCH_WEIGHT: usize = 256 * 1024;

/// The items `make` gives `Out::send` on its thread, in order; then, once all were read,
/// what `make` returned (`finish`).
pub struct Ahead<'scope, T, R> {
    batches: Receiver<Vec<T>>,
    batch: std::vec::IntoIter<T>,
    made: Option<ScopedJoinHandle<'scope, R>>,
}

/// Where `make` sends its items.
pub struct Out<T> {
    send: SyncSender<Vec<T>>,
    batch: Vec<T>,
    /// The weight of `batch` (`send_weighing`).
    weight: usize,
}

impl<T> Out<T> {
    /// Sends an item; false once nobody reads on (`make` should stop).
    pub fn send(&mut self, item: T) -> bool {
        self.batch.push(item);
        self.batch.len() < BATCH || self.flush()
    }

    /// `send`, of an item that holds about `weight` bytes besides its own size.
    pub fn send_weighing(&mut self, item: T, weight: usize) -> bool {
        self.weight += weight;
        self.batch.push(item);
        (self.batch.len() < BATCH && self.weight < BATCH_WEIGHT) || self.flush()
    }

    fn flush(&mut self) -> bool {
        self.weight = 0;
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        batch.is_empty() || self.send.send(batch).is_ok()
    }

    /// An `Out` of its own into the same channel, for a maker that sends from deeper down
    /// (the step builder, in the middle of a long block). What this one held is sent
    /// first; from then on only the new one may send, or the order is lost. It sends what
    /// it holds when dropped.
    pub fn handle(&mut self) -> Out<T> {
        self.flush();
        Out {
            send: self.send.clone(),
            batch: Vec::with_capacity(BATCH),
            weight: 0,
        }
    }
}

impl<T> Drop for Out<T> {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Runs `make` on a thread of `scope`. The thread ends when `make` returns, or at its next
/// `send` once the `Ahead` is dropped.
pub fn on_thread<'scope, T, R>(
    scope: &'scope Scope<'scope, '_>,
    make: impl FnOnce(&mut Out<T>) -> R + Send + 'scope,
) -> Ahead<'scope, T, R>
where
    T: Send + 'scope,
    R: Send + 'scope,
{
    let (send, batches) = sync_channel(BATCHES_AHEAD);
    let made = scope.spawn(move || {
        let mut out = Out {
            send,
            batch: Vec::with_capacity(BATCH),
            weight: 0,
        };
        let made = make(&mut out);
        out.flush();
        made
    });
    Ahead {
        batches,
        batch: Vec::new().into_iter(),
        made: Some(made),
    }
}

impl<T, R> Ahead<'_, T, R> {
    /// What `make` returned; a panic on its thread goes on here.
    pub fn finish(&mut self) -> R {
        let made = self.made.take().expect("finished once");
        made.join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

impl<T, R> Iterator for Ahead<'_, T, R> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(item) = self.batch.next() {
                return Some(item);
            }
            self.batch = self.batches.recv().ok()?.into_iter();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_come_in_order_then_the_result() {
        std::thread::scope(|scope| {
            let mut ahead = on_thread(scope, |out| (0..10_000).take_while(|&i| out.send(i)).count());
            assert_eq!(
                ahead.by_ref().collect::<Vec<_>>(),
                (0..10_000).collect::<Vec<_>>()
            );
            assert_eq!(ahead.finish(), 10_000);
        });
    }

    #[test]
    fn heavy_items_are_sent_in_smaller_batches() {
        std::thread::scope(|scope| {
            let mut ahead = on_thread(scope, |out| {
                (0..100).for_each(|i| assert!(out.send_weighing(i, BATCH_WEIGHT / 10 + 1)));
            });
            let first = ahead.batches.recv().unwrap();
            assert_eq!(first.len(), 10, "sent at its weight, not its length");
            let rest: Vec<i32> = ahead.by_ref().collect();
            assert_eq!(
                first.into_iter().chain(rest).collect::<Vec<_>>(),
                (0..100).collect::<Vec<_>>()
            );
            ahead.finish();
        });
    }

    #[test]
    fn a_handle_sends_after_what_was_sent_before_it() {
        std::thread::scope(|scope| {
            let ahead = on_thread(scope, |out| {
                (0..10).for_each(|i| assert!(out.send(i)));
                let mut handle = out.handle();
                (10..5_000).for_each(|i| assert!(handle.send(i)));
                // Dropped here: what it holds is sent before the thread ends.
            });
            assert_eq!(ahead.collect::<Vec<_>>(), (0..5_000).collect::<Vec<_>>());
        });
    }

    #[test]
    fn a_reader_that_stops_early_stops_the_maker() {
        let sent = std::thread::scope(|scope| {
            let mut ahead = on_thread(scope, |out| (0..).take_while(|&i| out.send(i)).count());
            assert_eq!(ahead.next(), Some(0));
            drop(ahead.batches);
            ahead.made.take().map(|m| m.join().expect("no panic"))
        });
        assert!(sent.is_some_and(|n| n < 100 * BATCH), "{sent:?}");
    }
}
