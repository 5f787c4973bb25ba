// WebhookCatalog: the webhooks of every registry, persisted in the Store and mirrored in an
// immutable in-memory snapshot with a scope index, so matching an event takes no lock and looks
// only at webhooks whose scope can match its repository. Thread-safe: readers use the current
// snapshot; changes are serialised and publish a new one.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "core/scope.h"
#include "core/store.h"
#include "core/webhook.h"

namespace reghook {

class WebhookCatalog {
 public:
  WebhookCatalog(Store& store, size_t limit_per_registry);
  Status load();

  std::vector<Webhook> list(const std::string& registry) const;
  std::optional<Webhook> get(const std::string& registry, const std::string& name) const;
  std::optional<Webhook> byId(const std::string& id) const;
  size_t count(const std::string& registry) const;
  std::vector<std::string> registries() const;  // those with at least one webhook
  size_t limit() const { return limit_; }

  // Creates or replaces (by registry + name) a validated webhook. Returns true when created.
  // kConflict "QuotaExceeded" when the registry is at its limit.
  Result<bool> put(const Webhook& webhook);
  // Removes the webhook with its jobs and log. kNotFound when absent. Returns the removed one.
  Result<Webhook> remove(const std::string& registry, const std::string& name);

  // Enabled webhooks of the registry that list the event's action and whose scope matches.
  // They point into the snapshot current at the call, which they keep alive (no copies).
  std::vector<std::shared_ptr<const Webhook>> match(const std::string& registry,
                                                    const AcrEvent& event) const;

 private:
  struct Entry {
    Webhook webhook;
    Scope scope;
  };
  struct RegistryHooks {
    std::vector<std::shared_ptr<const Entry>> entries;  // sorted by name
    std::unordered_map<std::string, std::shared_ptr<const Entry>> by_id;
    ScopeIndex index;
  };
  // A change rebuilds one registry's RegistryHooks and copies only the (short) registry map.
  struct Snapshot {
    std::map<std::string, std::shared_ptr<const RegistryHooks>> registries;
  };
  std::shared_ptr<const Snapshot> snapshot() const { return std::atomic_load(&snapshot_); }
  // Publishes a snapshot where the registry's entries are replaced by `entries`. Requires mutex_.
  void publish(const std::string& registry, std::vector<std::shared_ptr<const Entry>> entries);

  Store& store_;
  const size_t limit_;
  std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace reghook
