//! The checkpoint container: one file per training stage holding the loop's state and named binary blobs
//! (model records, momentum, averages, chains), with a checksum, written atomically. The state is
//! MessagePack (as Burn's records), so that every float comes back bit for bit: a resumed run must
//! compute exactly what the uninterrupted one did.
//!
//! Layout: the magic line `tricks-checkpoint 1\n`, the header's length (u64, little-endian), the header
//! (JSON: `{"blobs": [[name, length], …]}`, the state first, as the blob `state`), the blobs in that
//! order, and an FNV-1a 64-bit checksum of everything before it (u64, little-endian).

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
    let state = encode(state).map_err(|e| RunFileError::new(path, e))?;
    let blobs: Vec<(&str, &[u8])> = std::iter::once((STATE, state.as_slice())).chain(blobs.iter().copied()).collect();
    let table: Vec<(&str, usize)> = blobs.iter().map(|(n, b)| (*n, b.len())).collect();
    let header = serde_json::to_vec(&serde_json::json!({ "blobs": table })).map_err(|e| RunFileError::new(path, e))?;
    let mut bytes = Vec::with_capacity(MAGIC.len() + 16 + header.len() + table.iter().map(|t| t.1).sum::<usize>());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&(header.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&header);
    for (_, b) in &blobs {
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
    let state = blobs.remove(STATE).ok_or_else(|| damaged("no state"))?;
    let state: S = decode(&state).map_err(|e| damaged(&format!("state: {e}")))?;
    Ok(Some(Checkpoint { state, blobs }))
}

/// The blob holding the state.
const STATE: &str = "state";

/// `value` as MessagePack (named fields), every float bit for bit.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, String> {
    rmp_serde::to_vec_named(value).map_err(|e| e.to_string())
}

/// The inverse of [`encode`].
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    rmp_serde::from_slice(bytes).map_err(|e| e.to_string())
}

/// `records` framed for a log: each one's length (u32, little-endian), then the record as MessagePack.
fn framed<T: Serialize>(path: &Path, records: &[T]) -> Result<Vec<u8>, RunFileError> {
    let mut out = Vec::new();
    for r in records {
        let bytes = encode(r).map_err(|e| RunFileError::new(path, e))?;
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&bytes);
    }
    Ok(out)
}

/// Append `records` to the log at `path` (created if absent).
pub fn append_records<T: Serialize>(path: &Path, records: &[T]) -> Result<(), RunFileError> {
    let bytes = framed(path, records)?;
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(|e| RunFileError::new(path, e))?;
    std::io::Write::write_all(&mut file, &bytes).map_err(|e| RunFileError::new(path, format!("could not append: {e}")))
}

/// Replace the log at `path` by one holding exactly `records`, atomically.
pub fn write_records<T: Serialize>(path: &Path, records: &[T]) -> Result<(), RunFileError> {
    write_atomic(path, &framed(path, records)?)
}

/// The first `count` records of the log at `path` (an absent log holds none); records past them, from a
/// write cut short, are ignored. A log holding fewer is an error naming it.
pub fn read_records<T: DeserializeOwned>(path: &Path, count: usize) -> Result<Vec<T>, RunFileError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(RunFileError::new(path, e)),
    };
    let mut records = Vec::with_capacity(count);
    let mut rest = bytes.as_slice();
    while records.len() < count {
        let short = || RunFileError::new(path, format!("holds {} records where its checkpoint counts {count}", records.len()));
        let len = rest.get(..4).map(|l| u32::from_le_bytes(l.try_into().expect("4 bytes")) as usize).ok_or_else(short)?;
        let record = rest.get(4..4 + len).ok_or_else(short)?;
        records.push(decode(record).map_err(|e| RunFileError::new(path, format!("damaged record: {e}")))?);
        rest = &rest[4 + len..];
    }
    Ok(records)
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
        let state = (vec![1u64, 2], 0.1f64 + 0.2, f64::NAN);
        write(&path, &state, &[("model", b"abc"), ("best", b"")]).unwrap();
        let c = read::<(Vec<u64>, f64, f64)>(&path).unwrap().unwrap();
        assert_eq!((c.state.0, c.state.1.to_bits()), (state.0, state.1.to_bits()), "every bit of a float comes back");
        assert!(c.state.2.is_nan());
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

    #[test]
    fn record_logs_give_back_the_counted_records_and_ignore_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("train.monitor.log");
        assert!(read_records::<f64>(&path, 0).unwrap().is_empty());
        write_records(&path, &[1.0f64 / 3.0]).unwrap();
        append_records(&path, &[2.5, f64::INFINITY]).unwrap();
        std::fs::OpenOptions::new().append(true).open(&path).map(|mut f| std::io::Write::write_all(&mut f, &[9, 0])).unwrap().unwrap();
        assert_eq!(read_records::<f64>(&path, 2).unwrap(), vec![1.0 / 3.0, 2.5]);
        assert_eq!(read_records::<f64>(&path, 3).unwrap()[2], f64::INFINITY);
        let e = read_records::<f64>(&path, 4).unwrap_err().to_string();
        assert!(e.contains("holds 3 records"), "{e}");
    }
}
