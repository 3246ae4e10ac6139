//! Redis command effects, from a command table.

use super::class;
use crate::effect::{Classification, Effect};

/// Classifies one Redis command line such as `FLUSHDB` or `CONFIG SET maxmemory 1gb`.
/// `None` for unknown commands, scripts (`EVAL`, `FCALL`) and unbalanced quotes.
pub fn classify_redis(command: &str) -> Option<Classification> {
    let args = shlex::split(command)?;
    let (name, effect, what) = lookup(&args)?;
    Some(class(effect, format!("`{name}` {what}")))
}

/// Shared with the shell classifier for `redis-cli ARGS...`: `(command name, effect, what it does)`.
pub(crate) fn lookup<S: AsRef<str>>(args: &[S]) -> Option<(String, Effect, &'static str)> {
    use Effect::*;
    let first = args.first()?.as_ref().to_ascii_uppercase();
    let second = args
        .get(1)
        .map(|s| s.as_ref().to_ascii_uppercase())
        .unwrap_or_default();
    // Container commands are judged on both words.
    let (effect, what) = match first.as_str() {
        "CONFIG" => match second.as_str() {
            "GET" | "HELP" => (Read, "only reads"),
            "SET" => (Destructive, "changes live server configuration"),
            "RESETSTAT" | "REWRITE" => (Write, "changes server state"),
            _ => return None,
        },
        "CLIENT" => match second.as_str() {
            "LIST" | "INFO" | "GETNAME" | "ID" | "TRACKINGINFO" | "GETREDIR" | "HELP"
            | "SETNAME" | "SETINFO" | "REPLY" | "TRACKING" | "CACHING" | "NO-EVICT"
            | "NO-TOUCH" => (Read, "only reads"),
            "KILL" => (Write, "disconnects clients"),
            "PAUSE" => (Write, "pauses all clients"),
            "UNPAUSE" | "UNBLOCK" => (Write, "changes client state"),
            _ => return None,
        },
        "SLOWLOG" => match second.as_str() {
            "GET" | "LEN" | "HELP" => (Read, "only reads"),
            "RESET" => (Write, "clears the slow log"),
            _ => return None,
        },
        "MEMORY" => match second.as_str() {
            "USAGE" | "STATS" | "DOCTOR" | "MALLOC-STATS" | "HELP" => (Read, "only reads"),
            "PURGE" => (Write, "changes server state"),
            _ => return None,
        },
        "LATENCY" => match second.as_str() {
            "DOCTOR" | "GRAPH" | "HISTORY" | "LATEST" | "HISTOGRAM" | "HELP" => {
                (Read, "only reads")
            }
            "RESET" => (Write, "clears latency data"),
            _ => return None,
        },
        "XINFO" => match second.as_str() {
            "STREAM" | "GROUPS" | "CONSUMERS" | "HELP" => (Read, "only reads"),
            _ => return None,
        },
        "XGROUP" => match second.as_str() {
            "CREATE" | "CREATECONSUMER" | "SETID" => (Write, "changes consumer groups"),
            "DESTROY" | "DELCONSUMER" => (Destructive, "deletes consumer group state"),
            "HELP" => (Read, "only reads"),
            _ => return None,
        },
        "SCRIPT" => match second.as_str() {
            "EXISTS" | "HELP" => (Read, "only reads"),
            "LOAD" | "KILL" => (Write, "changes server state"),
            "FLUSH" => (Destructive, "deletes every cached script"),
            _ => return None,
        },
        "FUNCTION" => match second.as_str() {
            "LIST" | "DUMP" | "STATS" | "HELP" => (Read, "only reads"),
            "LOAD" | "RESTORE" | "KILL" => (Write, "changes server functions"),
            "DELETE" | "FLUSH" => (Destructive, "deletes server functions"),
            _ => return None,
        },
        "CLUSTER" => match second.as_str() {
            "INFO"
            | "NODES"
            | "SLOTS"
            | "SHARDS"
            | "MYID"
            | "MYSHARDID"
            | "KEYSLOT"
            | "COUNTKEYSINSLOT"
            | "GETKEYSINSLOT"
            | "LINKS"
            | "REPLICAS"
            | "SLAVES"
            | "COUNT-FAILURE-REPORTS"
            | "HELP" => (Read, "only reads"),
            "RESET" | "FLUSHSLOTS" | "FORGET" | "DELSLOTS" | "DELSLOTSRANGE" => (
                Destructive,
                "changes cluster membership or slots, losing data",
            ),
            "FAILOVER" | "MEET" | "ADDSLOTS" | "ADDSLOTSRANGE" | "SETSLOT" | "REPLICATE"
            | "SAVECONFIG" | "BUMPEPOCH" | "SET-CONFIG-EPOCH" => (Write, "changes the cluster"),
            _ => return None,
        },
        "ACL" => match second.as_str() {
            "LIST" | "USERS" | "WHOAMI" | "GETUSER" | "CAT" | "LOG" | "GENPASS" | "DRYRUN"
            | "HELP" => (Read, "only reads"),
            "SETUSER" | "LOAD" | "SAVE" => (Write, "changes access control"),
            "DELUSER" => (Destructive, "deletes users"),
            _ => return None,
        },
        "MODULE" => match second.as_str() {
            "LIST" | "HELP" => (Read, "only reads"),
            "LOAD" | "LOADEX" | "UNLOAD" => (Write, "changes loaded modules"),
            _ => return None,
        },
        "OBJECT" | "COMMAND" | "PUBSUB" => (Read, "only reads"),
        "SORT" => {
            if args
                .iter()
                .any(|a| a.as_ref().eq_ignore_ascii_case("STORE"))
            {
                (Write, "stores a result")
            } else {
                (Read, "only reads")
            }
        }
        "REPLICAOF" | "SLAVEOF" => {
            if second == "NO" {
                (Write, "promotes this replica")
            } else {
                (
                    Destructive,
                    "makes this server a replica and discards its data",
                )
            }
        }
        name => single(name)?,
    };
    let shown = if matches!(
        first.as_str(),
        "CONFIG"
            | "CLIENT"
            | "SLOWLOG"
            | "MEMORY"
            | "LATENCY"
            | "XINFO"
            | "XGROUP"
            | "SCRIPT"
            | "FUNCTION"
            | "CLUSTER"
            | "ACL"
            | "MODULE"
            | "OBJECT"
            | "COMMAND"
            | "PUBSUB"
    ) && !second.is_empty()
    {
        format!("{first} {second}")
    } else {
        first
    };
    Some((shown, effect, what))
}

fn single(name: &str) -> Option<(Effect, &'static str)> {
    use Effect::*;
    let entry = match name {
        "PING"
        | "ECHO"
        | "INFO"
        | "GET"
        | "MGET"
        | "GETRANGE"
        | "SUBSTR"
        | "STRLEN"
        | "LLEN"
        | "LRANGE"
        | "LINDEX"
        | "LPOS"
        | "HGET"
        | "HMGET"
        | "HGETALL"
        | "HLEN"
        | "HKEYS"
        | "HVALS"
        | "HEXISTS"
        | "HSTRLEN"
        | "HSCAN"
        | "HRANDFIELD"
        | "SCARD"
        | "SMEMBERS"
        | "SISMEMBER"
        | "SMISMEMBER"
        | "SRANDMEMBER"
        | "SSCAN"
        | "SINTER"
        | "SINTERCARD"
        | "SUNION"
        | "SDIFF"
        | "ZCARD"
        | "ZRANGE"
        | "ZREVRANGE"
        | "ZRANGEBYSCORE"
        | "ZREVRANGEBYSCORE"
        | "ZRANGEBYLEX"
        | "ZREVRANGEBYLEX"
        | "ZSCORE"
        | "ZMSCORE"
        | "ZRANK"
        | "ZREVRANK"
        | "ZCOUNT"
        | "ZLEXCOUNT"
        | "ZSCAN"
        | "ZRANDMEMBER"
        | "ZINTER"
        | "ZUNION"
        | "ZDIFF"
        | "ZINTERCARD"
        | "XLEN"
        | "XRANGE"
        | "XREVRANGE"
        | "XREAD"
        | "XPENDING"
        | "TYPE"
        | "TTL"
        | "PTTL"
        | "EXPIRETIME"
        | "PEXPIRETIME"
        | "EXISTS"
        | "SCAN"
        | "KEYS"
        | "DBSIZE"
        | "RANDOMKEY"
        | "TIME"
        | "LASTSAVE"
        | "ROLE"
        | "DUMP"
        | "GETBIT"
        | "BITCOUNT"
        | "BITPOS"
        | "PFCOUNT"
        | "GEOPOS"
        | "GEODIST"
        | "GEOHASH"
        | "GEORADIUS_RO"
        | "GEORADIUSBYMEMBER_RO"
        | "GEOSEARCH"
        | "SUBSCRIBE"
        | "PSUBSCRIBE"
        | "SSUBSCRIBE"
        | "UNSUBSCRIBE"
        | "PUNSUBSCRIBE"
        | "MONITOR"
        | "SELECT"
        | "AUTH"
        | "HELLO"
        | "READONLY"
        | "READWRITE"
        | "WAIT"
        | "WAITAOF"
        | "LOLWUT"
        | "SORT_RO"
        | "TOUCH"
        | "MULTI"
        | "EXEC"
        | "DISCARD"
        | "WATCH"
        | "UNWATCH"
        | "QUIT"
        | "RESET"
        | "LCS"
        | "STRALGO" => (Read, "only reads"),
        "SET" | "SETNX" | "SETEX" | "PSETEX" | "MSET" | "MSETNX" | "GETSET" | "GETEX"
        | "APPEND" | "SETRANGE" | "INCR" | "INCRBY" | "INCRBYFLOAT" | "DECR" | "DECRBY"
        | "LPUSH" | "RPUSH" | "LPUSHX" | "RPUSHX" | "LPOP" | "RPOP" | "BLPOP" | "BRPOP"
        | "LMOVE" | "BLMOVE" | "RPOPLPUSH" | "BRPOPLPUSH" | "LINSERT" | "LSET" | "LMPOP"
        | "BLMPOP" | "HSET" | "HSETNX" | "HMSET" | "HINCRBY" | "HINCRBYFLOAT" | "HEXPIRE"
        | "HPERSIST" | "SADD" | "SPOP" | "SMOVE" | "SINTERSTORE" | "SUNIONSTORE" | "SDIFFSTORE"
        | "ZADD" | "ZINCRBY" | "ZPOPMIN" | "ZPOPMAX" | "BZPOPMIN" | "BZPOPMAX" | "ZMPOP"
        | "BZMPOP" | "ZRANGESTORE" | "ZUNIONSTORE" | "ZINTERSTORE" | "ZDIFFSTORE" | "XADD"
        | "XACK" | "XCLAIM" | "XAUTOCLAIM" | "XREADGROUP" | "XSETID" | "EXPIRE" | "PEXPIRE"
        | "EXPIREAT" | "PEXPIREAT" | "PERSIST" | "RENAME" | "RENAMENX" | "COPY" | "MOVE"
        | "RESTORE" | "BGSAVE" | "SAVE" | "BGREWRITEAOF" | "PUBLISH" | "SPUBLISH" | "SETBIT"
        | "BITOP" | "BITFIELD" | "PFADD" | "PFMERGE" | "GEOADD" | "GEOSEARCHSTORE"
        | "GEORADIUS" | "GEORADIUSBYMEMBER" | "FAILOVER" => (Write, "changes data"),
        "FLUSHDB" => (Destructive, "deletes every key"),
        "FLUSHALL" => (Destructive, "deletes every key in every database"),
        "DEL" | "UNLINK" | "GETDEL" => (Destructive, "deletes keys"),
        "HDEL" | "SREM" | "ZREM" | "LREM" => (Destructive, "deletes members"),
        "LTRIM" | "XTRIM" | "ZREMRANGEBYSCORE" | "ZREMRANGEBYRANK" | "ZREMRANGEBYLEX" => {
            (Destructive, "trims data away")
        }
        "XDEL" => (Destructive, "deletes stream entries"),
        "SHUTDOWN" => (Destructive, "stops the server"),
        "DEBUG" => (Destructive, "can crash or block the server"),
        "SWAPDB" => (Destructive, "swaps whole databases"),
        "MIGRATE" => (Destructive, "moves keys off this server"),
        // Scripts can do anything.
        _ => return None,
    };
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(
            classify_redis("flushdb").unwrap().effect,
            Effect::Destructive
        );
        assert_eq!(
            classify_redis("FLUSHDB").unwrap().reason,
            "`FLUSHDB` deletes every key"
        );
        assert_eq!(
            classify_redis("config get maxmemory").unwrap().effect,
            Effect::Read
        );
        assert_eq!(
            classify_redis("CONFIG SET maxmemory 1gb").unwrap().effect,
            Effect::Destructive
        );
        assert_eq!(
            classify_redis("client kill id 4").unwrap().effect,
            Effect::Write
        );
        assert_eq!(
            classify_redis("SET k \"a b\"").unwrap().effect,
            Effect::Write
        );
        assert_eq!(classify_redis("EVAL 'return 1' 0"), None);
        assert_eq!(classify_redis("CONFIG FROB"), None);
        assert_eq!(classify_redis("GET \"unterminated"), None);
        assert_eq!(classify_redis(""), None);
    }
}
