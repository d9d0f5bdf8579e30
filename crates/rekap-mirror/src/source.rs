//! Where a mirror reads from: a rekap server's `GET /tlog/checkpoint` (the signed
//! checkpoint) and `GET /v1/records?from=N&to=M&format=frames` (the records, framed as in an
//! export). The checkpoint may also come from elsewhere (`--checkpoint URL|FILE`), for a
//! server that does not serve it.

use std::time::Duration;

use rekap_log::frame::Frames;

/// Records asked for in one request.
pub const PAGE_RECORDS: u64 = 1000;

/// Why a read from the server failed: worth a retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url}: {reason}")]
pub struct FetchError {
    pub url: String,
    pub reason: String,
}

/// A rekap server (or anything serving its routes).
pub struct HttpSource {
    base: String,
    checkpoint: Option<String>,
    agent: ureq::Agent,
}

impl HttpSource {
    /// The server at `base`; the checkpoint from `checkpoint` (an http URL or a file path)
    /// instead of `<base>/tlog/checkpoint` when given.
    pub fn new(base: &str, checkpoint: Option<String>) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .build()
            .into();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            checkpoint,
            agent,
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn get(&self, url: &str, limit: u64) -> Result<Vec<u8>, FetchError> {
        let fail = |reason: String| FetchError {
            url: url.to_owned(),
            reason,
        };
        let mut response = self
            .agent
            .get(url)
            .call()
            .map_err(|error| fail(error.to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(|error| fail(error.to_string()))?;
        if status != 200 {
            let text = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
            return Err(fail(format!("status {status}: {}", text.trim())));
        }
        Ok(body)
    }

    /// The server's latest signed checkpoint, verbatim.
    pub fn checkpoint(&self) -> Result<String, FetchError> {
        let location = self
            .checkpoint
            .clone()
            .unwrap_or_else(|| format!("{}/tlog/checkpoint", self.base));
        let bytes = if location.starts_with("http://") || location.starts_with("https://") {
            self.get(&location, 1 << 21)?
        } else {
            std::fs::read(&location).map_err(|error| FetchError {
                url: location.clone(),
                reason: error.to_string(),
            })?
        };
        String::from_utf8(bytes).map_err(|_| FetchError {
            url: location,
            reason: "the checkpoint is not UTF-8".into(),
        })
    }

    /// Records `from..=to`, as canonical record bytes, in order.
    pub fn records(&self, from: u64, to: u64) -> Result<Vec<Vec<u8>>, FetchError> {
        let mut records = Vec::new();
        let mut next = from;
        while next <= to {
            let last = to.min(next + PAGE_RECORDS - 1);
            let url = format!(
                "{}/v1/records?from={next}&to={last}&format=frames",
                self.base
            );
            let body = self.get(&url, 1 << 30)?;
            for frame in Frames::new(&body) {
                let bytes = frame.map_err(|error| FetchError {
                    url: url.clone(),
                    reason: error.to_string(),
                })?;
                records.push(bytes.to_vec());
            }
            let expected = (last - from + 1) as usize;
            if records.len() != expected {
                return Err(FetchError {
                    url,
                    reason: format!(
                        "{} records up to {last}, expected {expected}",
                        records.len()
                    ),
                });
            }
            next = last + 1;
        }
        Ok(records)
    }
}
