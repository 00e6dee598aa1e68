export { createUserClient } from './user-client';
export type { CallOptions, RouteInput, RouteOutput, TokenSource, UploadBody, UserClient, UserClientMethods, UserClientOptions } from './user-client';
export { ApiError, ConfigurationError, NetworkError, TimeoutError, isApiError, isConfigurationError, isNetworkError, isTimeoutError } from './client-errors';
export { allowsEmailCalls, apiBaseUrlFromOrigin, isLoopbackHost } from './api-url';
export { createErrorDescriber, describeError, formatRetryIn, isAbortError } from './describe-error';
export type { DescribeErrorOptions, DescribedCode, ErrorDescription, FieldMessages, FieldPath, MessageContext, MessageOverride } from './describe-error';
export type { ErrorCode, FieldError, ListUsersQueryInput, Problem, User, UserPage } from '@userkit/core';
