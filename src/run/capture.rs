//! Captured output with a bound: past the limit the middle is dropped, memory stays flat.

/// Bytes kept from a stream: the first half of the limit, and the last half.
#[derive(Debug)]
pub struct Capture {
    limit: usize,
    head: Vec<u8>,
    tail: std::collections::VecDeque<u8>,
    dropped: usize,
}

impl Capture {
    pub fn new(limit: usize) -> Self {
        Capture {
            limit: limit.max(2),
            head: Vec::new(),
            tail: std::collections::VecDeque::new(),
            dropped: 0,
        }
    }

    pub fn push(&mut self, mut bytes: &[u8]) {
        let half = self.limit / 2;
        if self.head.len() < half {
            let take = bytes.len().min(half - self.head.len());
            self.head.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
        if bytes.len() > half {
            self.dropped += self.tail.len() + bytes.len() - half;
            self.tail.clear();
            bytes = &bytes[bytes.len() - half..];
        }
        let overflow = (self.tail.len() + bytes.len()).saturating_sub(half);
        self.tail.drain(..overflow);
        self.dropped += overflow;
        self.tail.extend(bytes);
    }

    /// True when some bytes were dropped.
    pub fn truncated(&self) -> bool {
        self.dropped > 0
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// What was kept, with a marker line where the middle was dropped.
    pub fn into_bytes(self) -> Vec<u8> {
        let mut bytes = self.head;
        if self.dropped > 0 {
            bytes.extend_from_slice(
                format!("\n[guidecheck: {} bytes of output dropped]\n", self.dropped).as_bytes(),
            );
        }
        bytes.extend(self.tail);
        bytes
    }

    pub fn into_string(self) -> String {
        String::from_utf8_lossy(&self.into_bytes()).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_output_is_kept_whole() {
        let mut c = Capture::new(100);
        c.push(b"hello ");
        c.push(b"world");
        assert!(!c.truncated());
        assert_eq!(c.into_string(), "hello world");
    }

    #[test]
    fn large_output_keeps_head_and_tail() {
        let mut c = Capture::new(10);
        for chunk in [b"abcde".as_slice(), b"fghij", b"klmno", b"pq"] {
            c.push(chunk);
        }
        assert!(c.truncated());
        assert_eq!(
            c.into_string(),
            "abcde\n[guidecheck: 7 bytes of output dropped]\nmnopq"
        );
    }
}
