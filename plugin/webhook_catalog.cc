#include "plugin/webhook_catalog.h"

#include <algorithm>

namespace reghook {

WebhookCatalog::WebhookCatalog(Store& store, size_t limit_per_registry)
    : store_(store), limit_(limit_per_registry), snapshot_(std::make_shared<Snapshot>()) {}

Status WebhookCatalog::load() {
  auto all = store_.listWebhooks();
  if (!all.isOk()) return all.status();
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, std::vector<std::shared_ptr<const Entry>>> grouped;
  for (const auto& w : all.value()) {
    auto scope = Scope::parse(w.scope);
    if (!scope.isOk()) return Status::internal("stored webhook " + w.name + " has a bad scope");
    grouped[w.registry].push_back(std::make_shared<Entry>(Entry{w, scope.value()}));
  }
  for (auto& [registry, entries] : grouped) publish(registry, std::move(entries));
  return Status::ok();
}

void WebhookCatalog::publish(const std::string& registry,
                             std::vector<std::shared_ptr<const Entry>> entries) {
  auto next = std::make_shared<Snapshot>(*snapshot());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a->webhook.name < b->webhook.name; });
  auto hooks = std::make_shared<RegistryHooks>();
  std::vector<const Scope*> scopes;
  scopes.reserve(entries.size());
  for (const auto& e : entries) {
    scopes.push_back(&e->scope);
    hooks->by_id[e->webhook.id] = e;
  }
  hooks->index = ScopeIndex(scopes);
  hooks->entries = std::move(entries);
  next->registries[registry] = hooks;
  std::atomic_store(&snapshot_, std::shared_ptr<const Snapshot>(std::move(next)));
}

std::vector<Webhook> WebhookCatalog::list(const std::string& registry) const {
  auto snap = snapshot();
  std::vector<Webhook> out;
  auto it = snap->registries.find(registry);
  if (it == snap->registries.end()) return out;
  for (const auto& e : it->second->entries) out.push_back(e->webhook);
  return out;
}

std::optional<Webhook> WebhookCatalog::get(const std::string& registry,
                                           const std::string& name) const {
  auto snap = snapshot();
  auto it = snap->registries.find(registry);
  if (it == snap->registries.end()) return std::nullopt;
  for (const auto& e : it->second->entries) {
    if (e->webhook.name == name) return e->webhook;
  }
  return std::nullopt;
}

std::optional<Webhook> WebhookCatalog::byId(const std::string& id) const {
  auto snap = snapshot();
  for (const auto& [name, hooks] : snap->registries) {
    auto it = hooks->by_id.find(id);
    if (it != hooks->by_id.end()) return it->second->webhook;
  }
  return std::nullopt;
}

std::vector<std::string> WebhookCatalog::registries() const {
  auto snap = snapshot();
  std::vector<std::string> out;
  for (const auto& [name, hooks] : snap->registries) {
    if (!hooks->entries.empty()) out.push_back(name);
  }
  return out;
}

size_t WebhookCatalog::count(const std::string& registry) const {
  auto snap = snapshot();
  auto it = snap->registries.find(registry);
  return it == snap->registries.end() ? 0 : it->second->entries.size();
}

Result<bool> WebhookCatalog::put(const Webhook& webhook) {
  auto scope = Scope::parse(webhook.scope);
  if (!scope.isOk()) return scope.status();
  std::lock_guard<std::mutex> lock(mutex_);
  auto snap = snapshot();
  std::vector<std::shared_ptr<const Entry>> entries;
  auto it = snap->registries.find(webhook.registry);
  if (it != snap->registries.end()) entries = it->second->entries;
  auto same = std::find_if(entries.begin(), entries.end(),
                           [&](const auto& e) { return e->webhook.name == webhook.name; });
  const bool created = same == entries.end();
  if (created && entries.size() >= limit_) {
    return Status::error(Code::kConflict,
                         "registry '" + webhook.registry + "' already has " +
                             std::to_string(entries.size()) + " webhooks, its limit (" +
                             "limits.webhooksPerRegistry); delete one or raise the limit",
                         "QuotaExceeded");
  }
  Status s = store_.putWebhook(webhook);
  if (!s.isOk()) return s;
  auto entry = std::make_shared<Entry>(Entry{webhook, scope.value()});
  if (created)
    entries.push_back(entry);
  else
    *same = entry;
  publish(webhook.registry, std::move(entries));
  return created;
}

Result<Webhook> WebhookCatalog::remove(const std::string& registry, const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto snap = snapshot();
  auto it = snap->registries.find(registry);
  std::vector<std::shared_ptr<const Entry>> entries;
  if (it != snap->registries.end()) entries = it->second->entries;
  auto found = std::find_if(entries.begin(), entries.end(),
                            [&](const auto& e) { return e->webhook.name == name; });
  if (found == entries.end()) {
    return Status::notFound("webhook '" + name + "' does not exist in registry '" + registry + "'");
  }
  Webhook removed = (*found)->webhook;
  Status s = store_.deleteWebhook(removed);
  if (!s.isOk()) return s;
  entries.erase(found);
  publish(registry, std::move(entries));
  return removed;
}

std::vector<std::shared_ptr<const Webhook>> WebhookCatalog::match(const std::string& registry,
                                                                  const AcrEvent& event) const {
  std::vector<std::shared_ptr<const Webhook>> out;
  if (!event.target) return out;
  auto snap = snapshot();
  auto it = snap->registries.find(registry);
  if (it == snap->registries.end()) return out;
  const AcrTarget& t = *event.target;
  static const std::vector<std::string> kNoTags;
  const std::vector<std::string>& tags = t.tags ? *t.tags : kNoTags;
  std::vector<size_t> candidates;
  it->second->index.candidates(t.repository, candidates);
  for (size_t i : candidates) {
    const std::shared_ptr<const Entry>& e = it->second->entries[i];
    if (e->webhook.enabled() && e->webhook.hasAction(event.action) &&
        e->scope.matches(t.repository, t.tag, tags)) {
      out.emplace_back(e, &e->webhook);  // aliasing: shares the entry's ownership
    }
  }
  return out;
}

}  // namespace reghook
