// Status and Result<T>: how core, storage and adapters report success or a failure with a reason.
// Value types; not shared between threads without external synchronisation.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace reghook {

enum class Code {
  kOk,
  kInvalid,       // the input breaks a rule; message says which and what is allowed
  kUnauthorized,  // missing or wrong credential
  kNotFound,      // the named thing does not exist
  kConflict,      // a limit or a state forbids it (quota)
  kTooLarge,      // the input is over a size limit
  kUnavailable,   // a dependency (database, network peer) failed
  kInternal,      // a bug or an unexpected state
};

class Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  // error_code is the API's machine-readable code ("InvalidWebhookName"); target names the field.
  static Status error(Code code, std::string message, std::string error_code = "",
                      std::string target = "") {
    Status s;
    s.code_ = code;
    s.message_ = std::move(message);
    s.error_code_ = std::move(error_code);
    s.target_ = std::move(target);
    return s;
  }
  static Status invalid(std::string error_code, std::string target, std::string message) {
    return error(Code::kInvalid, std::move(message), std::move(error_code), std::move(target));
  }
  static Status notFound(std::string message) {
    return error(Code::kNotFound, std::move(message), "NotFound");
  }
  static Status unavailable(std::string message) {
    return error(Code::kUnavailable, std::move(message), "Unavailable");
  }
  static Status internal(std::string message) {
    return error(Code::kInternal, std::move(message), "InternalError");
  }

  bool isOk() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& errorCode() const { return error_code_; }
  const std::string& target() const { return target_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string error_code_;
  std::string target_;
};

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: must not be ok
  bool isOk() const { return status_.isOk(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace reghook
