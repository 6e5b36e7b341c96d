import { json } from "../host/types.ts";

/**
 * Confluence's error bodies, as measured (sources in docs/fidelity/confluence-auth-v1.md):
 * v2 answers an `errors` array, v1 the `statusCode/data/message` envelope, the API gateway its own
 * `{code, message}` for scope failures.
 */
export function v2Error(
  status: number,
  code: string,
  title: string,
  detail: string | null = null,
  headers: HeadersInit = {},
): Response {
  return json({ errors: [{ status, code, title, detail }] }, status, headers);
}

export const v2NotFound = (title = "Not Found") => v2Error(404, "NOT_FOUND", title);

export const v2BadParam = (title: string, detail: string | null = null) =>
  v2Error(400, "INVALID_REQUEST_PARAMETER", title, detail);

const V1_EXCEPTIONS: Record<number, string> = {
  400: "com.atlassian.confluence.api.service.exceptions.api.BadRequestException",
  403: "com.atlassian.confluence.api.service.exceptions.PermissionException",
  404: "com.atlassian.confluence.api.service.exceptions.NotFoundException",
  409: "com.atlassian.confluence.api.service.exceptions.ConflictException",
  410: "com.atlassian.confluence.api.service.exceptions.GoneException",
  413: "com.atlassian.confluence.api.service.exceptions.api.BadRequestException",
  429: "com.atlassian.confluence.api.service.exceptions.RateLimitException",
  500: "com.atlassian.confluence.api.service.exceptions.InternalServerException",
  501: "com.atlassian.confluence.api.service.exceptions.NotImplementedServiceException",
};

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function v1Error(
  status: number,
  text: string,
  options: { exception?: string; successful?: boolean; headers?: HeadersInit } = {},
): Response {
  const exception = options.exception ?? V1_EXCEPTIONS[status] ?? V1_EXCEPTIONS[500];
  return json(
    {
      statusCode: status,
      data: {
        authorized: true,
        valid: true,
        allowedInReadOnlyMode: true,
        errors: [],
        successful: options.successful ?? false,
      },
      message: `${exception}: ${text}`,
      reason: REASONS[status] ?? "Error",
    },
    status,
    options.headers,
  );
}

/** Wrong or missing credentials on v1 (the real service answers 403, not 401). */
export const v1CallerRejected = () =>
  json(
    {
      statusCode: 403,
      message:
        'com.atlassian.confluence.mvc.rest.common.exception.StacklessResponseStatusException: 403 FORBIDDEN "Request rejected because caller cannot access Confluence"',
    },
    403,
  );

/** Same rejection as phrased by `/wiki/rest/api/search`. */
export const v1SearchRejected = () =>
  json({ message: "Current user not permitted to use Confluence", statusCode: 403 }, 403);

/** Unknown route directly under /wiki/rest/api: Jersey's XML 404. */
export function v1UnknownRoute(url: string): Response {
  return new Response(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><status><status-code>404</status-code><message>null for uri: ${escapeXml(url)}</message></status>`,
    { status: 404, headers: { "content-type": "application/xml" } },
  );
}

/** Wrong HTTP method: a Spring-style errors list, no Allow header. */
export function methodNotAllowed(method: string): Response {
  return json(
    {
      errors: [
        {
          status: 405,
          code: "METHOD_NOT_ALLOWED",
          title: "org.springframework.web.HttpRequestMethodNotSupportedException",
          detail: `Request method '${method}' is not supported`,
        },
      ],
    },
    405,
  );
}

/** Gateway scope failure for OAuth tokens that lack a route's scope. */
export const scopeMismatch = () => json({ code: 401, message: "Unauthorized; scope does not match" }, 401);

/** Unknown or expired Bearer token at the gateway (confluence.js refreshes once on this 401). */
export const gatewayUnauthorized = () => json({ code: 401, message: "Unauthorized" }, 401);

/**
 * Unparseable Basic header: Tomcat's own 401 page, as captured from Confluence Cloud
 * (markdown-confluence/markdown-confluence#621, 2024).
 */
export function tomcatUnauthorized(): Response {
  return new Response(
    '<!doctype html><html lang="en"><head><title>HTTP Status 401 – Unauthorized</title><style type="text/css">body {font-family:Tahoma,Arial,sans-serif;} h1, h2, h3, b {color:white;background-color:#525D76;} h1 {font-size:22px;} h2 {font-size:16px;} h3 {font-size:14px;} p {font-size:12px;} a {color:black;} .line {height:1px;background-color:#525D76;border:none;}</style></head><body><h1>HTTP Status 401 – Unauthorized</h1><hr class="line" /><p><b>Type</b> Status Report</p><p><b>Message</b> Basic Authentication Failure - Reason : AUTHENTICATED_FAILED</p><p><b>Description</b> The request has not been applied to the target resource because it lacks valid authentication credentials for that resource.</p><hr class="line" /><h3>Apache Tomcat/9.0.82</h3></body></html>',
    { status: 401, headers: { "content-type": "text/html;charset=utf-8" } },
  );
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}
