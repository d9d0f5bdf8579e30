use std::path::PathBuf;

use clap::Args;

use crate::exit::Outcome;
use crate::keys;
use crate::output::print;

#[derive(Args)]
pub struct KeygenArgs {
    /// Key file to create (mode 0600); refused if it exists.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Write PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, what OpenSSL and HSM tools read)
    /// instead of rekap's own form; every command reads both.
    #[arg(long)]
    pub pem: bool,
}

pub fn run(args: KeygenArgs) -> anyhow::Result<Outcome> {
    let key = keys::generate()?;
    let form = if args.pem {
        keys::KeyForm::Pem
    } else {
        keys::KeyForm::Rekap
    };
    keys::write_key_as(&args.out, &key, form)?;
    print(&format!(
        "{}\n",
        crate::lang::say_with(
            "command-keygen-wrote-secret-mode-public-key",
            &[
                ("path", &args.out.display()),
                ("public-hex", &keys::public_hex(&key))
            ]
        )
    ))?;
    Ok(Outcome::Success)
}

#[derive(Args)]
pub struct PubkeyArgs {
    /// Key file.
    #[arg(long, short = 'k', value_name = "FILE")]
    pub key: PathBuf,
}

/// Prints the public key of a key file (never the secret).
pub fn pubkey(args: PubkeyArgs) -> anyhow::Result<Outcome> {
    let key = keys::read_key(&args.key)?;
    print(&format!("{}\n", keys::public_hex(&key)))?;
    Ok(Outcome::Success)
}
