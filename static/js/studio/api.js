// JSON over fetch with the session cookie and CSRF token; failures throw ApiError carrying the body.
// The API's 400 bodies are {detail, field, value, allowed}; DRF's own validation errors are {name: [messages]}.

export class ApiError extends Error {
  constructor(status, data, fallback) {
    super((data && typeof data.detail === "string" && data.detail) || fallback || `HTTP ${status}`);
    this.status = status;
    this.data = data || {};
    this.field = this.data.field || null;
    if (!this.field && status === 400 && data && typeof data === "object" && !data.detail) {
      // {"name": ["This field may not be blank."]}: take the first field DRF complains about.
      const [name, messages] = Object.entries(data)[0] || [];
      if (name) {
        this.field = name === "non_field_errors" ? null : name;
        this.message = Array.isArray(messages) ? messages.join(" ") : String(messages);
      }
    }
  }
}

function csrfToken() {
  const input = document.querySelector("[name=csrfmiddlewaretoken]");
  if (input) return input.value;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export async function api(method, url, body, { signal, keepalive } = {}) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: {
      Accept: "application/json",
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...(method === "GET" ? {} : { "X-CSRFToken": csrfToken() }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
    keepalive,
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data, response.statusText);
  return data;
}
