//! The checkpoint container: one file per training stage holding the loop's state as JSON and named
//! binary blobs (model records, momentum, averages, chains), with a checksum, written atomically.
//!
//! Layout: the magic line `tricks-checkpoint 1\n`, the header's length (u64, little-endian), the header
//! (JSON: `{"state": …, "blobs": [[name, length], …]}`), the blobs in that order, and an FNV-1a 64-bit
//! checksum of everything before it (u64, little-endian).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{RunFileError, write_atomic};

const MAGIC: &[u8] = b"tricks-checkpoint 1\n";

/// A decoded checkpoint: the state and the blobs by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint<S> {
    /// The loop's state.
    pub state: S,
    /// Named binary blobs.
    pub blobs: BTreeMap<String, Vec<u8>>,
}

/// Encode `state` and `blobs` and write them atomically to `path`.
pub fn write<S: Serialize>(path: &Path, state: &S, blobs: &[(&str, &[u8])]) -> Result<(), RunFileError> {
    let state = serde_json::to_value(state).map_err(|e| RunFileError::new(path, e))?;
    let table: Vec<(&str, usize)> = blobs.iter().map(|(n, b)| (*n, b.len())).collect();
    let header = serde_json::to_vec(&serde_json::json!({ "state": state, "blobs": table })).map_err(|e| RunFileError::new(path, e))?;
    let mut bytes = Vec::with_capacity(MAGIC.len() + 16 + header.len() + table.iter().map(|t| t.1).sum::<usize>());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&(header.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&header);
    for (_, b) in blobs {
        bytes.extend_from_slice(b);
    }
    let sum = fnv1a(&bytes);
    bytes.extend_from_slice(&sum.to_le_bytes());
    write_atomic(path, &bytes)
}

/// Read the checkpoint at `path`; `None` if there is none. A damaged file is an error naming it.
pub fn read<S: DeserializeOwned>(path: &Path) -> Result<Option<Checkpoint<S>>, RunFileError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(RunFileError::new(path, e)),
    };
    let damaged = |what: &str| RunFileError::new(path, format!("damaged checkpoint ({what}); remove it to train this stage again from its start"));
    if bytes.len() < MAGIC.len() + 16 || !bytes.starts_with(MAGIC) {
        return Err(damaged("not a tricks checkpoint"));
    }
    let (body, sum) = bytes.split_at(bytes.len() - 8);
    if fnv1a(body).to_le_bytes() != sum {
        return Err(damaged("checksum mismatch"));
    }
    let rest = &body[MAGIC.len()..];
    let header_len = u64::from_le_bytes(rest[..8].try_into().expect("8 bytes")) as usize;
    let rest = &rest[8..];
    if header_len > rest.len() {
        return Err(damaged("header longer than the file"));
    }
    let header: Value = serde_json::from_slice(&rest[..header_len]).map_err(|e| damaged(&e.to_string()))?;
    let state: S = serde_json::from_value(header["state"].clone()).map_err(|e| damaged(&format!("state: {e}")))?;
    let table: Vec<(String, usize)> = serde_json::from_value(header["blobs"].clone()).map_err(|e| damaged(&e.to_string()))?;
    let mut blobs = BTreeMap::new();
    let mut data = &rest[header_len..];
    for (name, len) in table {
        if len > data.len() {
            return Err(damaged("blob longer than the file"));
        }
        let (blob, tail) = data.split_at(len);
        blobs.insert(name, blob.to_vec());
        data = tail;
    }
    Ok(Some(Checkpoint { state, blobs }))
}

/// FNV-1a, 64 bits: cheap, and enough to tell a torn or damaged file.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_round_trip_and_damage_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("train.ckpt");
        assert!(read::<u32>(&path).unwrap().is_none());
        write(&path, &vec![1u64, 2], &[("model", b"abc"), ("best", b"")]).unwrap();
        let c = read::<Vec<u64>>(&path).unwrap().unwrap();
        assert_eq!(c.state, vec![1, 2]);
        assert_eq!(c.blobs["model"], b"abc");
        assert_eq!(c.blobs["best"], b"");
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let e = read::<Vec<u64>>(&path).unwrap_err().to_string();
        assert!(e.contains("train.ckpt") && e.contains("checksum"), "{e}");
        std::fs::write(&path, b"hello").unwrap();
        assert!(read::<Vec<u64>>(&path).unwrap_err().to_string().contains("not a tricks checkpoint"));
    }
}
