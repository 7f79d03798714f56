//! Waiters: poll a resource until it reaches a state, fail fast when it cannot.
//!
//! Most compute actions answer at once and finish in the background (`204` for a
//! stop, `201` for a create). A [`Waiter`] names the resource to poll and reads each
//! answer as done, still pending, or failed; [`Client::wait`] runs the loop with a
//! capped back-off, a deadline, and an optional callback that sees every status
//! observed (for a progress bar).
//!
//! A resource that enters an error status ends the wait at once with
//! [`Error::ResourceFailed`] naming that status, instead of running into the
//! deadline the way hand-written loops that only look for success do.
//!
//! A wait runs in an `mgc.wait` span (INFO): `mgc.resource`, `mgc.resource_id`,
//! `mgc.target`, and as it goes `mgc.wait.polls` and `mgc.wait.last_status`, plus
//! `error.type` if it fails. Each poll is an `mgc.call` span below it, and a DEBUG
//! event `poll` gives the status each one saw; a wait that fails logs it (WARN),
//! one that succeeds logs nothing at INFO.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

use tracing::field::Empty;

use crate::client::{Client, run_in};
use crate::endpoint::Endpoint;
use crate::error::{Error, Inert};

/// How one poll went.
#[derive(Debug)]
pub enum Check<T> {
    /// The resource reached the target; the wait returns this.
    Done(T),
    /// Not there yet; `status` is what the resource reports now.
    Pending {
        /// The status observed, as the API spells it.
        status: String,
    },
    /// The resource can no longer reach the target.
    Failed {
        /// The status observed.
        status: String,
        /// The API's explanation, when it gives one.
        message: Option<String>,
    },
    /// The poll itself failed; the wait returns this error.
    Error(Error),
}

/// A condition on a resource, checked by polling one endpoint.
pub trait Waiter {
    /// What a successful wait returns (usually the resource in its final state).
    type Output;
    /// The endpoint polled.
    type Poll: Endpoint;
    /// The kind of resource, for messages (`instance`).
    const RESOURCE: &'static str;
    /// The condition, for messages (`running`).
    const TARGET: &'static str;

    /// The id of the resource waited on.
    fn id(&self) -> &str;
    /// The request to poll with.
    fn poll(&self) -> Self::Poll;
    /// Reads one poll's outcome.
    fn check(
        &self,
        outcome: Result<<Self::Poll as Endpoint>::Response, Error>,
    ) -> Check<Self::Output>;
}

/// One status observed while waiting, as given to [`Wait::on_status`].
///
/// Non-exhaustive: later versions may report more about each poll.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Observed<'a> {
    /// The status the resource reported (or `done` / the failure status).
    pub status: &'a str,
    /// How many polls have been made.
    pub polls: u32,
    /// Time since the wait started.
    pub elapsed: Duration,
}

type Callback<'a> = Box<dyn FnMut(Observed<'_>) + Send + 'a>;

/// A wait being configured; `.await` it to run it.
#[must_use = "a wait does nothing until awaited"]
pub struct Wait<'a, W> {
    client: &'a Client,
    waiter: W,
    timeout: Duration,
    first_interval: Duration,
    max_interval: Duration,
    on_status: Option<Callback<'a>>,
}

impl<'a, W: Waiter> Wait<'a, W> {
    /// Gives up after `timeout` (default 10 minutes) with [`Error::WaitTimeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Polls at once, then after `first`, then backs off by half again each time up
    /// to `max` (defaults: 1 s and 10 s).
    pub fn interval(mut self, first: Duration, max: Duration) -> Self {
        self.first_interval = first;
        self.max_interval = max.max(first);
        self
    }

    /// Calls `f` with every status observed, the final one included.
    pub fn on_status(mut self, f: impl FnMut(Observed<'_>) + Send + 'a) -> Self {
        self.on_status = Some(Box::new(f));
        self
    }

    async fn run(self) -> Result<W::Output, Error> {
        let span = tracing::info_span!(
            "mgc.wait",
            "mgc.resource" = W::RESOURCE,
            "mgc.resource_id" = %Inert::id(self.waiter.id()),
            "mgc.target" = W::TARGET,
            "mgc.wait.polls" = Empty,
            "mgc.wait.last_status" = Empty,
            "error.type" = Empty,
            "otel.status_code" = Empty,
        );
        run_in(&span, "wait failed", self.poll_until(&span)).await
    }

    async fn poll_until(mut self, span: &tracing::Span) -> Result<W::Output, Error> {
        let started = Instant::now();
        // A timeout too large to add to now is no deadline at all.
        let deadline = started.checked_add(self.timeout);
        let mut interval = self.first_interval;
        let mut polls = 0;
        let mut last_status = String::from("not polled yet");
        loop {
            polls += 1;
            span.record("mgc.wait.polls", polls);
            // The deadline covers the poll in flight too, whatever the client's own
            // timeouts are.
            let poll = self.client.send(self.waiter.poll());
            let outcome = match deadline {
                Some(deadline) => match tokio::time::timeout_at(deadline.into(), poll).await {
                    Ok(outcome) => outcome,
                    Err(_) => return Err(self.timed_out(started, last_status)),
                },
                None => poll.await,
            };
            let mut report = |status: &str| {
                // The status is server text: shown inert.
                span.record(
                    "mgc.wait.last_status",
                    tracing::field::display(Inert::id(status)),
                );
                tracing::debug!(polls, status = %Inert::id(status), "poll");
                if let Some(f) = self.on_status.as_mut() {
                    f(Observed {
                        status,
                        polls,
                        elapsed: started.elapsed(),
                    });
                }
            };
            match self.waiter.check(outcome) {
                Check::Done(output) => {
                    report("done");
                    return Ok(output);
                }
                Check::Error(error) => return Err(error),
                Check::Failed { status, message } => {
                    report(&status);
                    return Err(Error::ResourceFailed {
                        resource: W::RESOURCE,
                        id: self.waiter.id().to_owned(),
                        status,
                        message,
                    });
                }
                Check::Pending { status } => {
                    report(&status);
                    last_status = status;
                }
            }
            let mut pause = interval;
            if let Some(deadline) = deadline {
                let now = Instant::now();
                if now >= deadline {
                    return Err(self.timed_out(started, last_status));
                }
                // Never sleep past the deadline: the last poll happens right at it.
                pause = pause.min(deadline - now);
            }
            tokio::time::sleep(pause).await;
            interval = Duration::try_from_secs_f64(interval.as_secs_f64() * 1.5)
                .unwrap_or(self.max_interval)
                .min(self.max_interval);
        }
    }

    fn timed_out(&self, started: Instant, last_status: String) -> Error {
        Error::WaitTimeout {
            resource: W::RESOURCE,
            id: self.waiter.id().to_owned(),
            target: W::TARGET,
            last_status,
            waited: started.elapsed(),
        }
    }
}

impl<'a, W> IntoFuture for Wait<'a, W>
where
    W: Waiter + Send + 'a,
    W::Output: Send,
    W::Poll: Send,
    <W::Poll as Endpoint>::Response: Send,
{
    type Output = Result<W::Output, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

impl Client {
    /// Polls until `waiter`'s condition holds, the resource fails, or the wait times
    /// out (10 minutes unless [`Wait::timeout`] says otherwise).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use mgc::compute::InstanceRunning;
    ///
    /// # async fn run(client: mgc::Client, id: String) -> Result<(), mgc::Error> {
    /// let instance = client
    ///     .wait(InstanceRunning::new(&id))
    ///     .timeout(Duration::from_secs(300))
    ///     .on_status(|seen| println!("{:>4.0?} {}", seen.elapsed, seen.status))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn wait<W: Waiter>(&self, waiter: W) -> Wait<'_, W> {
        Wait {
            client: self,
            waiter,
            timeout: Duration::from_secs(600),
            first_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
            on_status: None,
        }
    }
}
