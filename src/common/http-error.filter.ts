import { type ArgumentsHost, Catch, HttpException, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import {
  StorageError,
  StorageUnavailableError,
  StorageValidationError,
} from '../storage/storage.errors';

type ErrorBody = Record<string, unknown> & { message?: unknown; error?: unknown };

/**
 * The one mapper from errors to HTTP answers (registered globally).
 * - Storage errors: a backend that is away is 503 (retry later), a refused value 400, anything
 *   else from storage 500. Their messages are already redacted by the storage layer.
 * - Admin errors (`{statusCode, message}`) also carry the message as `detail`, where the Python
 *   gcli2api's panel and scripts read it. Model-API errors (`{error: {...}}`, in the OpenAI or
 *   Gemini shape) pass through as they are.
 * - Anything else is Nest's own 500, logged by the base filter.
 */
@Catch()
export class HttpErrorFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    if (error instanceof StorageError) return super.catch(storageHttpError(error), host);
    if (error instanceof HttpException) return super.catch(withDetail(error), host);
    super.catch(error, host);
  }
}

function storageHttpError(error: StorageError): HttpException {
  const [status, prefix] =
    error instanceof StorageUnavailableError
      ? [HttpStatus.SERVICE_UNAVAILABLE, 'Storage is unavailable']
      : error instanceof StorageValidationError
        ? [HttpStatus.BAD_REQUEST, 'Invalid input']
        : [HttpStatus.INTERNAL_SERVER_ERROR, 'Storage error'];
  const message = `${prefix}: ${error.message}`;
  return new HttpException({ statusCode: status, message, detail: message }, status);
}

function withDetail(error: HttpException): HttpException {
  const status = error.getStatus();
  const response = error.getResponse();
  const body: ErrorBody =
    typeof response === 'string' ? { statusCode: status, message: response } : { ...response };
  const isApiShape = typeof body.error === 'object' && body.error !== null;
  if (isApiShape || body.detail !== undefined || body.message === undefined) return error;
  const detail = Array.isArray(body.message) ? body.message.join('; ') : String(body.message);
  return new HttpException({ ...body, detail }, status, { cause: error });
}
