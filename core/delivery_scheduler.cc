#include "core/delivery_scheduler.h"

#include <algorithm>

namespace reghook {

DeliveryScheduler::DeliveryScheduler(int max_in_flight_per_webhook)
    : max_in_flight_(max_in_flight_per_webhook < 1 ? 1 : max_in_flight_per_webhook) {}

void DeliveryScheduler::refreshHead(const std::string& webhook_id, Queue& queue) {
  auto old = head_of_.find(webhook_id);
  if (old != head_of_.end()) {
    heads_.erase({old->second, webhook_id});
    head_of_.erase(old);
  }
  if (!queue.jobs.empty() && queue.in_flight < max_in_flight_) {
    const int64_t due = queue.jobs.begin()->first;
    heads_.insert({due, webhook_id});
    head_of_[webhook_id] = due;
  }
}

void DeliveryScheduler::add(const ScheduledJob& job) {
  std::lock_guard<std::mutex> lock(mutex_);
  Queue& queue = queues_[job.webhook_id];
  if (queue.in_flight_keys.count(job.job_key)) {
    queue.again_after_flight[job.job_key] = job.due_ms;
    return;
  }
  auto existing = queue.due_by_key.find(job.job_key);
  if (existing != queue.due_by_key.end()) {
    queue.jobs.erase({existing->second, job.job_key});
    --pending_;
  }
  queue.jobs.insert({job.due_ms, job.job_key});
  queue.due_by_key[job.job_key] = job.due_ms;
  ++pending_;
  refreshHead(job.webhook_id, queue);
}

std::vector<ScheduledJob> DeliveryScheduler::takeDue(int64_t now_ms, size_t max) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ScheduledJob> out;
  while (out.size() < max && !heads_.empty() && heads_.begin()->first <= now_ms) {
    const std::string webhook_id = heads_.begin()->second;
    Queue& queue = queues_[webhook_id];
    auto first = queue.jobs.begin();
    out.push_back({webhook_id, first->second, first->first});
    queue.in_flight_keys.insert(first->second);
    queue.due_by_key.erase(first->second);
    queue.jobs.erase(first);
    --pending_;
    ++queue.in_flight;
    refreshHead(webhook_id, queue);
  }
  return out;
}

void DeliveryScheduler::finish(const ScheduledJob& job, std::optional<int64_t> next_due_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = queues_.find(job.webhook_id);
  if (it == queues_.end()) return;  // webhook removed meanwhile
  Queue& queue = it->second;
  if (queue.in_flight > 0) --queue.in_flight;
  queue.in_flight_keys.erase(job.job_key);
  auto again = queue.again_after_flight.find(job.job_key);
  if (again != queue.again_after_flight.end()) {
    next_due_ms = next_due_ms ? std::min(*next_due_ms, again->second) : again->second;
    queue.again_after_flight.erase(again);
  }
  if (next_due_ms) {
    queue.jobs.insert({*next_due_ms, job.job_key});
    queue.due_by_key[job.job_key] = *next_due_ms;
    ++pending_;
  }
  if (queue.jobs.empty() && queue.in_flight == 0) {
    refreshHead(job.webhook_id, queue);
    queues_.erase(it);
    return;
  }
  refreshHead(job.webhook_id, queue);
}

void DeliveryScheduler::removeWebhook(const std::string& webhook_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = queues_.find(webhook_id);
  if (it == queues_.end()) return;
  pending_ -= it->second.jobs.size();
  it->second.jobs.clear();
  it->second.due_by_key.clear();
  it->second.again_after_flight.clear();
  refreshHead(webhook_id, it->second);
  if (it->second.in_flight == 0) queues_.erase(it);
}

std::optional<int64_t> DeliveryScheduler::nextDueMs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (heads_.empty()) return std::nullopt;
  return heads_.begin()->first;
}

std::vector<QueueStats> DeliveryScheduler::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<QueueStats> out;
  for (const auto& [id, queue] : queues_) {
    QueueStats s;
    s.webhook_id = id;
    s.depth = queue.jobs.size() + static_cast<size_t>(queue.in_flight);
    s.oldest_due_ms = queue.jobs.empty() ? 0 : queue.jobs.begin()->first;
    out.push_back(s);
  }
  return out;
}

size_t DeliveryScheduler::pendingCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pending_;
}

}  // namespace reghook
