//! What apalis-redis does not offer on its own: listing every entry of a
//! state (its `ListTasks` pages the ready list only) and removing one
//! entry. Keys as apalis-redis 1.0 lays them out under the queue name:
//! `{queue}:data` (hash id → job), `{queue}:meta:{id}` (hash),
//! `{queue}:active` (list), `{queue}:scheduled` (sorted set),
//! `{queue}:inflight:{worker}` (sets), `{queue}:done` and `{queue}:dead`
//! (sets).

use apalis_redis::RedisStorage;
use redis::AsyncCommands;

use crate::job::Job;
use crate::outbox::{State, QUEUE};

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

fn key(suffix: &str) -> String {
    format!("{QUEUE}:{suffix}")
}

/// The ids in `state`.
async fn ids(storage: &mut RedisStorage<Job>, state: State) -> Result<Vec<String>, BoxError> {
    let conn = storage.get_connection();
    let mut ids: Vec<String> = Vec::new();
    match state {
        State::Pending => {
            ids.extend(conn.lrange::<_, Vec<String>>(key("active"), 0, -1).await?);
            ids.extend(
                conn.zrange::<_, Vec<String>>(key("scheduled"), 0, -1)
                    .await?,
            );
        }
        State::Running => {
            let sets: Vec<String> = redis::cmd("KEYS")
                .arg(key("inflight:*"))
                .query_async(conn)
                .await?;
            for set in sets {
                ids.extend(conn.smembers::<_, Vec<String>>(set).await?);
            }
        }
        State::Done => ids.extend(conn.smembers::<_, Vec<String>>(key("done")).await?),
        State::Dead => {
            ids.extend(conn.smembers::<_, Vec<String>>(key("dead")).await?);
            ids.extend(conn.smembers::<_, Vec<String>>(key("failed")).await?);
        }
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The entries in `state`: (id, job).
pub(crate) async fn entries(
    storage: &RedisStorage<Job>,
    state: State,
) -> Result<Vec<(String, Job)>, BoxError> {
    let mut storage = storage.clone();
    let ids = ids(&mut storage, state).await?;
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let data: Vec<Option<Vec<u8>>> = redis::cmd("HMGET")
            .arg(key("data"))
            .arg(chunk)
            .query_async(storage.get_connection())
            .await?;
        for (id, bytes) in chunk.iter().zip(data) {
            if let Some(job) = bytes.and_then(|b| serde_json::from_slice::<Job>(&b).ok()) {
                out.push((id.clone(), job));
            }
        }
    }
    Ok(out)
}

/// Removes one entry everywhere apalis-redis may hold it.
pub(crate) async fn remove(storage: &RedisStorage<Job>, id: &str) -> Result<(), BoxError> {
    let mut storage = storage.clone();
    let conn = storage.get_connection();
    let _: () = redis::pipe()
        .atomic()
        .hdel(key("data"), id)
        .del(format!("{}:{id}", key("meta")))
        .hdel(format!("{}:result", key("meta")), id)
        .srem(key("dead"), id)
        .srem(key("failed"), id)
        .srem(key("done"), id)
        .lrem(key("active"), 0, id)
        .zrem(key("scheduled"), id)
        .query_async(conn)
        .await?;
    Ok(())
}
