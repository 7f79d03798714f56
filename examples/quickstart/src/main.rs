//! The quickstart: a whole instance lifecycle, end to end.
//!
//! ```text
//! cargo run -p mgc-quickstart
//! ```
//!
//! With no credentials it starts the built-in emulator in this process and runs
//! against it: no account, no network. With `MGC_API_KEY` (or `MGC_JWT`) set it
//! talks to the real cloud in `MGC_REGION` (default `br-se1`) and creates real,
//! billed resources — set `MGC_SSH_KEY` to the name of one of your SSH keys.
//!
//! It lists machine types and images, creates an instance and waits until it runs,
//! snapshots it, restores the snapshot into a second instance, stops the first,
//! retypes it, starts it again, reads its boot log, and deletes everything it made
//! (also when a step fails). Then it prints what happened.

use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

use mgc::compute::{
    CreateInstance, CreateSnapshot, DeleteInstance, DeleteSnapshot, GetInstanceInitLogs, IdOrName,
    Image, ImageStatus, InstanceDeleted, InstanceRunning, InstanceStopped, InstanceType,
    ListImages, ListMachineTypes, RestoreSnapshot, RetypeInstance, SnapshotAvailable,
    SnapshotDeleted, StartInstance, StopInstance,
};
use mgc::{Client, Observed};

/// What the run created, so it can all be deleted at the end.
#[derive(Default)]
struct Created {
    instances: Vec<String>,
    snapshots: Vec<String>,
}

/// One line of the final report.
struct Step {
    what: String,
    outcome: String,
    ok: bool,
    took: Duration,
}

#[derive(Default)]
struct Report {
    steps: Vec<Step>,
}

impl Report {
    /// A step that did what it should.
    fn record(&mut self, what: impl Into<String>, outcome: impl Into<String>, since: Instant) {
        self.push(what.into(), outcome.into(), true, since);
    }

    /// A step that failed, with the error that says why.
    fn failed(&mut self, what: impl Into<String>, error: &mgc::Error, since: Instant) {
        self.push(what.into(), error.to_string(), false, since);
    }

    fn push(&mut self, what: String, outcome: String, ok: bool, since: Instant) {
        let mark = if ok { '✓' } else { '✗' };
        println!("  {mark} {what:<34} {outcome}");
        self.steps.push(Step {
            what,
            outcome,
            ok,
            took: since.elapsed(),
        });
    }

    fn all_ok(&self) -> bool {
        self.steps.iter().all(|s| s.ok)
    }

    fn print(&self) {
        let width = self
            .steps
            .iter()
            .map(|s| s.what.len())
            .max()
            .unwrap_or(4)
            .max(4);
        println!("\n   {:<width$}  {:>8}  result", "step", "time");
        println!("   {:-<width$}  {:->8}  {:-<40}", "", "", "");
        for step in &self.steps {
            println!(
                "{}  {:<width$}  {:>7.2}s  {}",
                if step.ok { '✓' } else { '✗' },
                step.what,
                step.took.as_secs_f64(),
                step.outcome
            );
        }
    }
}

/// A live progress indicator for waiters: one line redrawn in place on a terminal,
/// one line per new status otherwise.
fn progress(label: &'static str) -> impl FnMut(Observed<'_>) + Send {
    const SPIN: [char; 4] = ['|', '/', '-', '\\'];
    let live = std::io::stderr().is_terminal();
    let mut last = String::new();
    move |seen: Observed<'_>| {
        let mut err = std::io::stderr().lock();
        if live {
            if seen.status == "done" {
                let _ = write!(err, "\r\x1b[2K");
            } else {
                let _ = write!(
                    err,
                    "\r\x1b[2K  {} {label}: {} ({:.1}s, poll {})",
                    SPIN[seen.polls as usize % SPIN.len()],
                    seen.status,
                    seen.elapsed.as_secs_f64(),
                    seen.polls
                );
            }
        } else if seen.status != "done" && seen.status != last {
            let _ = writeln!(err, "    … {label}: {}", seen.status);
            last = seen.status.to_owned();
        }
        let _ = err.flush();
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let has_credentials = ["MGC_API_KEY", "MGC_JWT"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.trim().is_empty()));

    // Keep the emulator alive for the whole run; it stops when dropped.
    let (client, _emulator) = if has_credentials {
        let client = Client::from_env()?;
        println!("Using the MagaluCloud API at {}", client.base_url());
        (client, None)
    } else {
        let emulator = mgc_emulator::Emulator::builder()
            .transition_delay(Duration::from_millis(400))
            .start()
            .await;
        let client = Client::builder()
            .api_key("quickstart")
            .base_url(emulator.region_url("br-se1"))
            .build()?;
        println!(
            "No MGC_API_KEY set: using the built-in emulator at {}",
            client.base_url()
        );
        (client, Some(emulator))
    };

    let mut report = Report::default();
    let mut created = Created::default();
    // The emulator answers in milliseconds; the cloud in seconds to minutes.
    let poll = if has_credentials {
        (Duration::from_secs(2), Duration::from_secs(10))
    } else {
        (Duration::from_millis(100), Duration::from_millis(200))
    };
    run(&client, poll, &mut report, &mut created).await;
    clean_up(&client, poll, &mut report, &created).await;
    report.print();
    if !report.all_ok() {
        eprintln!("\nSome steps failed (marked ✗); their errors say why.");
        std::process::exit(1);
    }
    Ok(())
}

type Poll = (Duration, Duration);

/// Runs the lifecycle; the first step that fails is recorded as failed, with its
/// error, and ends the run (clean-up still follows).
async fn run(client: &Client, poll: Poll, report: &mut Report, created: &mut Created) {
    let mut step = "list machine types";
    let started = Instant::now();
    if let Err(error) = lifecycle(client, poll, report, created, &mut step).await {
        report.failed(step, &error, started);
    }
}

async fn lifecycle(
    client: &Client,
    (first, max): Poll,
    report: &mut Report,
    created: &mut Created,
    step: &mut &'static str,
) -> Result<(), mgc::Error> {
    // 1. What can we run, and on what?
    let t = Instant::now();
    let types = client.send(ListMachineTypes::new()).await?.machine_types;
    // A type without a name cannot be asked for by name: skip it.
    let mut small: Vec<&InstanceType> = types
        .iter()
        .filter(|t| t.gpu.unwrap_or(0) == 0 && t.name.is_some())
        .collect();
    small.sort_by_key(|t| (t.vcpus, t.ram, t.disk));
    let (first_type, bigger_type) = match small.as_slice() {
        [a, b, ..] => (
            a.name.clone().unwrap_or_default(),
            b.name.clone().unwrap_or_default(),
        ),
        _ => return Err(protocol("need at least two machine types")),
    };
    report.record(
        "list machine types",
        format!(
            "{} types; using {} then {}",
            types.len(),
            first_type,
            bigger_type
        ),
        t,
    );

    *step = "list images";
    let t = Instant::now();
    let images = client.send(ListImages::new()).await?.images;
    let image: &Image = images
        .iter()
        .filter(|i| i.status == Some(ImageStatus::Active) && i.platform.as_deref() == Some("linux"))
        .find(|i| {
            i.name
                .as_deref()
                .is_some_and(|n| n.to_lowercase().contains("ubuntu"))
        })
        .or_else(|| {
            images
                .iter()
                .find(|i| i.status == Some(ImageStatus::Active))
        })
        .ok_or_else(|| protocol("no active image"))?;
    report.record(
        "list images",
        format!("{} images; using {}", images.len(), shown(&image.name)),
        t,
    );

    *step = "create instance";
    // 2. Create an instance and wait until it runs.
    let t = Instant::now();
    let name = format!("quickstart-{:04x}", std::process::id() & 0xffff);
    let mut create = CreateInstance::new(
        name.as_str(),
        IdOrName::name(first_type.as_str()),
        IdOrName::id(image.id.as_str()),
    );
    if let Ok(key) = std::env::var("MGC_SSH_KEY") {
        create = create.ssh_key_name(key);
    }
    let id = client.send(create).await?.id;
    created.instances.push(id.clone());
    let instance = client
        .wait(InstanceRunning::new(&id))
        .interval(first, max)
        .timeout(Duration::from_secs(900))
        .on_status(progress("creating"))
        .await?;
    report.record(
        format!("create {name}"),
        format!(
            "{} is {}/{}",
            instance.id,
            shown(&instance.status),
            shown(&instance.state)
        ),
        t,
    );

    *step = "snapshot";
    // 3. Snapshot it, and restore the snapshot into a second instance.
    let t = Instant::now();
    let snapshot_id = client
        .send(CreateSnapshot::new(
            format!("{name}-snap"),
            IdOrName::id(&id),
        ))
        .await?
        .id;
    created.snapshots.push(snapshot_id.clone());
    let snapshot = client
        .wait(SnapshotAvailable::new(&snapshot_id))
        .interval(first, max)
        .timeout(Duration::from_secs(900))
        .on_status(progress("snapshotting"))
        .await?;
    report.record(
        "snapshot",
        format!(
            "{} is {} ({} GB)",
            snapshot.id,
            shown(&snapshot.state),
            shown(&snapshot.size)
        ),
        t,
    );

    *step = "restore snapshot";
    let t = Instant::now();
    let restored_id = client
        .send(RestoreSnapshot::new(
            &snapshot_id,
            format!("{name}-restored"),
            IdOrName::name(first_type.as_str()),
        ))
        .await?
        .id;
    created.instances.push(restored_id.clone());
    let restored = client
        .wait(InstanceRunning::new(&restored_id))
        .interval(first, max)
        .timeout(Duration::from_secs(900))
        .on_status(progress("restoring"))
        .await?;
    report.record(
        "restore snapshot",
        format!("{} is {}", restored.id, shown(&restored.state)),
        t,
    );

    *step = "stop";
    // 4. Stop, retype, start.
    let t = Instant::now();
    client.send(StopInstance::new(&id)).await?;
    client
        .wait(InstanceStopped::new(&id))
        .interval(first, max)
        .timeout(Duration::from_secs(900))
        .on_status(progress("stopping"))
        .await?;
    report.record("stop", "stopped", t);

    *step = "retype";
    let t = Instant::now();
    client
        .send(RetypeInstance::new(
            &id,
            IdOrName::name(bigger_type.as_str()),
        ))
        .await?;
    let retyped = client
        .wait(InstanceStopped::new(&id))
        .interval(first, max)
        .timeout(Duration::from_secs(900))
        .on_status(progress("retyping"))
        .await?;
    let now_type = retyped
        .machine_type
        .and_then(|m| m.name)
        .unwrap_or_default();
    report.record("retype", format!("now {now_type}"), t);

    *step = "start";
    let t = Instant::now();
    client.send(StartInstance::new(&id)).await?;
    client
        .wait(InstanceRunning::new(&id))
        .interval(first, max)
        .timeout(Duration::from_secs(900))
        .on_status(progress("starting"))
        .await?;
    report.record("start", "running", t);

    *step = "init logs";
    // 5. Read the boot log.
    let t = Instant::now();
    let logs = client
        .send(GetInstanceInitLogs::new(&id).max_lines_count(5u32))
        .await?
        .logs;
    let last: String = logs
        .last()
        .map_or("", |s| s.as_str())
        .chars()
        .take(48)
        .collect();
    report.record(
        "init logs",
        format!("{} lines, last: {last:?}…", logs.len()),
        t,
    );
    Ok(())
}

/// Deletes everything the run created, newest first; reports but never stops on errors.
async fn clean_up(client: &Client, (first, max): Poll, report: &mut Report, created: &Created) {
    for id in created.instances.iter().rev() {
        let t = Instant::now();
        let outcome = async {
            client.send(DeleteInstance::new(id)).await?;
            client
                .wait(InstanceDeleted::new(id))
                .interval(first, max)
                .timeout(Duration::from_secs(900))
                .on_status(progress("deleting"))
                .await
        }
        .await;
        let what = format!("delete instance {}", short(id));
        match outcome {
            Ok(()) => report.record(what, "deleted", t),
            Err(e) => report.failed(what, &e, t),
        }
    }
    for id in created.snapshots.iter().rev() {
        let t = Instant::now();
        let outcome = async {
            client.send(DeleteSnapshot::new(id)).await?;
            client
                .wait(SnapshotDeleted::new(id))
                .interval(first, max)
                .timeout(Duration::from_secs(900))
                .await
        }
        .await;
        let what = format!("delete snapshot {}", short(id));
        match outcome {
            Ok(()) => report.record(what, "deleted", t),
            Err(e) => report.failed(what, &e, t),
        }
    }
}

fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

fn protocol(reason: &'static str) -> mgc::Error {
    mgc::Error::Protocol {
        operation: "quickstart",
        reason: reason.into(),
    }
}

/// A field the server may leave out, for the report.
fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value.as_ref().map_or_else(|| "?".to_owned(), T::to_string)
}
