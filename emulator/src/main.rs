//! `mgc-emulator`: serve the compute API emulator until Ctrl-C.
//!
//! ```text
//! mgc-emulator [--port 8080] [--host 127.0.0.1] [--allow-remote] [--lenient]
//!              [--transition-ms 300] [--latency-ms N]
//!              [--error-rate 0.1] [--error-status 503] [--seed 7] [--api-key K]
//! ```

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
usage: mgc-emulator [options]
  --port N            port to listen on (default 8080; 0 = any free port)
  --host IP           address to listen on (default 127.0.0.1)
  --allow-remote      allow a non-loopback --host
  --transition-ms N   lifecycle transition time in ms (default 300)
  --latency-ms N      delay added to every response
  --error-rate P      fail each request with probability P (0..1)
  --error-status S    status of those failures (default 503)
  --seed N            seed for ids and the error rate
  --api-key K         require X-API-Key: K (bearer tokens are still accepted)
  --lenient           apply the spec's defaults instead of refusing requests
                      that break its contract (strict is the default)
  --strict            the default, said explicitly
  -h, --help          show this help";

#[derive(Debug)]
struct Options {
    host: IpAddr,
    port: u16,
    allow_remote: bool,
    transition_ms: u64,
    latency_ms: u64,
    error_rate: f64,
    error_status: u16,
    seed: Option<u64>,
    api_key: Option<String>,
    strict: bool,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut o = Options {
        host: IpAddr::from([127, 0, 0, 1]),
        port: 8080,
        allow_remote: false,
        transition_ms: 300,
        latency_ms: 0,
        error_rate: 0.0,
        error_status: 503,
        seed: None,
        api_key: None,
        strict: true,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        fn num<T: std::str::FromStr>(flag: &str, v: String) -> Result<T, String> {
            v.parse()
                .map_err(|_| format!("{flag}: invalid value '{v}'"))
        }
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--allow-remote" => o.allow_remote = true,
            "--lenient" => o.strict = false,
            "--strict" => o.strict = true,
            "--port" => o.port = num(&flag, value(&flag)?)?,
            "--host" => o.host = num(&flag, value(&flag)?)?,
            "--transition-ms" => o.transition_ms = num(&flag, value(&flag)?)?,
            "--latency-ms" => o.latency_ms = num(&flag, value(&flag)?)?,
            "--error-rate" => o.error_rate = num(&flag, value(&flag)?)?,
            "--error-status" => o.error_status = num(&flag, value(&flag)?)?,
            "--seed" => o.seed = Some(num(&flag, value(&flag)?)?),
            "--api-key" => o.api_key = Some(value(&flag)?),
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    if !(0.0..=1.0).contains(&o.error_rate) {
        return Err("--error-rate must be between 0 and 1".to_string());
    }
    if !(100..=999).contains(&o.error_status) {
        return Err("--error-status must be an HTTP status (100..=999)".to_string());
    }
    if !o.host.is_loopback() && !o.allow_remote {
        return Err(format!(
            "refusing to listen on non-loopback address {}; pass --allow-remote to do it anyway",
            o.host
        ));
    }
    Ok(Some(o))
}

/// Print a status line; a closed stdout (a parent that stopped reading) must
/// not bring the server down, so write errors are ignored.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

fn main() -> ExitCode {
    let opts = match parse(std::env::args().skip(1)) {
        Ok(Some(o)) => o,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("mgc-emulator: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mgc-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(opts))
}

async fn run(o: Options) -> ExitCode {
    let mut builder = mgc_emulator::Emulator::builder()
        .bind(SocketAddr::new(o.host, o.port))
        .transition_delay(Duration::from_millis(o.transition_ms))
        .latency(Duration::from_millis(o.latency_ms))
        .strict(o.strict);
    if o.error_rate > 0.0 {
        builder = builder.error_rate(o.error_rate, o.error_status);
    }
    if let Some(seed) = o.seed {
        builder = builder.seed(seed);
    }
    if let Some(key) = o.api_key {
        builder = builder.api_key(key);
    }
    let emu = match builder.try_start().await {
        Ok(emu) => emu,
        Err(e) => {
            eprintln!("mgc-emulator: cannot listen on {}:{}: {e}", o.host, o.port);
            return ExitCode::FAILURE;
        }
    };
    say!(
        "mgc-emulator listening on {} (regions: br-se1, br-ne1, br-mgl1 -> /br-se-1)",
        emu.url()
    );
    say!(
        "  {} mode; e.g. curl -H 'X-API-Key: any' {}/compute/v1/machine-types",
        if emu.is_strict() { "strict" } else { "lenient" },
        emu.region_url("br-se1")
    );
    say!(
        "  control API: {}/_emulator (faults, requests, reset)",
        emu.url()
    );
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("mgc-emulator: cannot wait for Ctrl-C: {e}");
    }
    say!(
        "mgc-emulator: shutting down after {} requests",
        emu.request_count()
    );
    emu.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> impl Iterator<Item = String> {
        s.split_whitespace()
            .map(String::from)
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn defaults_and_flags() {
        let o = parse(args("")).unwrap().unwrap();
        assert_eq!(o.port, 8080);
        assert!(o.host.is_loopback());
        assert!(o.strict, "strict is the default");
        assert!(!parse(args("--lenient")).unwrap().unwrap().strict);
        let o = parse(args(
            "--port 0 --transition-ms=5 --error-rate 0.25 --error-status 429 --seed 7 --api-key k",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(
            (o.port, o.transition_ms, o.error_status, o.seed),
            (0, 5, 429, Some(7))
        );
        assert_eq!(o.api_key.as_deref(), Some("k"));
    }

    #[test]
    fn refuses_remote_and_junk() {
        assert!(parse(args("--host 0.0.0.0")).is_err());
        assert!(parse(args("--host 0.0.0.0 --allow-remote")).is_ok());
        assert!(parse(args("--port")).is_err());
        assert!(parse(args("--port x")).is_err());
        assert!(parse(args("--error-rate 2")).is_err());
        assert!(parse(args("--bogus")).is_err());
        assert!(parse(args("--help")).unwrap().is_none());
    }
}
