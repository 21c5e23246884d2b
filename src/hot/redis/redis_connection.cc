// RedisConnection over hiredis: connect with timeouts and TCP keep-alive, pipelined commands
// (append them all, then read one reply each), replies copied out of hiredis's structs.
#include "hot/redis/redis_connection.h"

#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <hiredis/hiredis.h>

namespace smartcar::hot {
namespace {

timeval ToTimeval(int ms) {
  timeval tv;
  tv.tv_sec = ms / 1000;
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

void CopyReply(const redisReply* r, RedisReply* out) {
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out->type = RedisReply::Type::kString;
      out->str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out->type = RedisReply::Type::kStatus;
      out->str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out->type = RedisReply::Type::kError;
      out->str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out->type = RedisReply::Type::kInteger;
      out->integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out->type = RedisReply::Type::kArray;
      out->elements.resize(r->elements);
      for (size_t i = 0; i < r->elements; ++i) CopyReply(r->element[i], &out->elements[i]);
      break;
    default:
      out->type = RedisReply::Type::kNil;
      break;
  }
}

std::string ContextError(const redisContext* c) {
  std::string why = c->errstr[0] != '\0' ? c->errstr : "connection error";
  if (c->err == REDIS_ERR_IO && errno == EAGAIN) why = "timed out";
  return why;
}

}  // namespace

Result<std::unique_ptr<RedisConnection>> RedisConnection::Connect(const Endpoint& endpoint,
                                                                  int connect_timeout_ms,
                                                                  int command_timeout_ms) {
  redisContext* c =
      redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, ToTimeval(connect_timeout_ms));
  if (c == nullptr) return Err(Status::IOError(endpoint.ToString() + ": out of memory"));
  if (c->err != 0) {
    std::string why = c->errstr;
    redisFree(c);
    return Err(Status::IOError(endpoint.ToString() + ": " + why));
  }
  if (redisSetTimeout(c, ToTimeval(command_timeout_ms)) != REDIS_OK) {
    std::string why = ContextError(c);
    redisFree(c);
    return Err(Status::IOError(endpoint.ToString() + ": " + why));
  }
  (void)redisEnableKeepAlive(c);
  return std::unique_ptr<RedisConnection>(new RedisConnection(endpoint, c));
}

RedisConnection::~RedisConnection() { redisFree(static_cast<redisContext*>(ctx_)); }

Status RedisConnection::IoError(std::string_view what) {
  broken_ = true;
  return Status::IOError(endpoint_.ToString() + ": " + std::string(what) + ": " +
                         ContextError(static_cast<const redisContext*>(ctx_)));
}

Status RedisConnection::Pipeline(const std::vector<RedisCommand>& commands,
                                 std::vector<RedisReply>* replies) {
  if (broken_) return Status::IOError(endpoint_.ToString() + ": connection is broken");
  auto* c = static_cast<redisContext*>(ctx_);
  std::vector<const char*> argv;
  std::vector<size_t> argvlen;
  for (const RedisCommand& cmd : commands) {
    argv.clear();
    argvlen.clear();
    for (std::string_view a : cmd) {
      argv.push_back(a.data());
      argvlen.push_back(a.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), argvlen.data()) !=
        REDIS_OK) {
      return IoError("append");
    }
  }
  replies->resize(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || raw == nullptr) return IoError("read reply");
    (*replies)[i] = RedisReply();
    CopyReply(static_cast<redisReply*>(raw), &(*replies)[i]);
    freeReplyObject(raw);
  }
  return Status::OK();
}

Result<RedisReply> RedisConnection::Command(const RedisCommand& command) {
  std::vector<RedisReply> replies;
  if (Status s = Pipeline({command}, &replies); !s.ok()) return Err(std::move(s));
  return std::move(replies[0]);
}

}  // namespace smartcar::hot
