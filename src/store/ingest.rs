//! Group commit for the webhook: concurrent requests hand their event to one writer task,
//! which inserts everything waiting in a single transaction and answers each request once the
//! commit is durable (fsynced, see `durability`). One fsync then covers many events instead of one each, which is what
//! lets a single SQLite file keep up with bursts; an isolated event is still committed at once,
//! because the writer never waits for a batch to fill.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::{NewEvent, Store};
use crate::time::Timestamp;

/// Most events in one transaction.
const MAX_BATCH: usize = 256;
/// Requests waiting for the writer before new ones are turned away (503, Zalo retries).
const QUEUE: usize = 4096;

type Reply = oneshot::Sender<Result<bool, Arc<sqlx::Error>>>;

/// Hands events to the writer task.
#[derive(Clone, Debug)]
pub struct Ingest {
    sender: mpsc::Sender<(NewEvent, Timestamp, Reply)>,
    ingest_first: Option<Arc<super::priority::IngestFirst>>,
}

/// Why an event was not stored.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The database failed; the whole batch was rolled back.
    #[error("database error: {0}")]
    Database(Arc<sqlx::Error>),
    /// Too many events waiting, or shutting down.
    #[error("ingest queue unavailable")]
    Unavailable,
}

impl Ingest {
    /// Starts the writer task; it ends when every `Ingest` handle is dropped.
    pub fn start(store: Store) -> Ingest {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let ingest_first = store.ingest_first.clone();
        tokio::spawn(write_batches(store, receiver));
        Ingest {
            sender,
            ingest_first,
        }
    }

    /// Stores the event unless its dedupe key is known; `Ok(true)` when new. Returns after the
    /// transaction holding it has committed.
    pub async fn insert(&self, event: NewEvent, now: Timestamp) -> Result<bool, IngestError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .try_send((event, now, reply))
            .map_err(|_| IngestError::Unavailable)?;
        // Workers let this event reach the database first (see `priority`).
        if let Some(gate) = &self.ingest_first {
            gate.arrived(1);
        }
        answer
            .await
            .map_err(|_| IngestError::Unavailable)?
            .map_err(IngestError::Database)
    }
}

async fn write_batches(store: Store, mut receiver: mpsc::Receiver<(NewEvent, Timestamp, Reply)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let events: Vec<(&NewEvent, Timestamp)> =
            batch.iter().map(|(e, now, _)| (e, *now)).collect();
        let started = std::time::Instant::now();
        let result = store.insert_events(&events).await;
        if let Some(gate) = &store.ingest_first {
            gate.written(batch.len());
        }
        metrics::histogram!("ketnoi_ingest_insert_seconds").record(started.elapsed().as_secs_f64());
        metrics::histogram!("ketnoi_ingest_batch_size").record(batch.len() as f64);
        match result {
            Ok(inserted) => {
                // The 200s wait for the fsync, on another task, so the next batch can already
                // be written while this one syncs (and their syncs can be shared).
                let replies: Vec<(Reply, bool)> = batch
                    .drain(..)
                    .zip(inserted)
                    .map(|((_, _, reply), new)| (reply, new))
                    .collect();
                let store = store.clone();
                tokio::spawn(async move {
                    let durable = store.make_durable().await;
                    store.note_write(durable.is_ok());
                    match durable {
                        Ok(()) => {
                            for (reply, new) in replies {
                                let _ = reply.send(Ok(new));
                            }
                        }
                        Err(err) => {
                            tracing::error!(error = %err, "fsync after ingest failed");
                            let err = Arc::new(sqlx::Error::Io(err));
                            for (reply, _) in replies {
                                let _ = reply.send(Err(err.clone()));
                            }
                        }
                    }
                });
            }
            Err(err) => {
                store.note_write(false);
                tracing::error!(error = %err, events = batch.len(), "ingest batch failed");
                let err = Arc::new(err);
                for (_, _, reply) in batch.drain(..) {
                    let _ = reply.send(Err(err.clone()));
                }
            }
        }
    }
}
