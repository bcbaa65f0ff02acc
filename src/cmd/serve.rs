//! `povsim serve`: the classroom web app (the server is [`crate::serve`]).

use clap::Args;

/// Options of `povsim serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Port to listen on (0 = any free port; the address is printed on start).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on. The default answers this machine only; use 0.0.0.0 to let the
    /// students' machines on the classroom network connect.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Most sessions (students' worlds) held at once; when full, the least recently used
    /// session idle for over 2 minutes is closed, otherwise a new student is asked to retry.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_sessions: u32,
}

/// Run the command.
pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
    crate::serve::run(args)
}
