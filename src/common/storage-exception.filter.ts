import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import {
  StorageError,
  StorageUnavailableError,
  StorageValidationError,
} from '../storage/storage.errors';

type HttpResponse = { status(code: number): { json(body: unknown): void } };

/**
 * Storage errors as HTTP answers: a backend that is away is 503 (retry later), a refused value
 * is 400, anything else from storage is 500. Messages are already redacted by the storage layer.
 */
@Catch(StorageError)
export class StorageExceptionFilter implements ExceptionFilter {
  catch(error: StorageError, host: ArgumentsHost) {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    const [status, prefix] =
      error instanceof StorageUnavailableError
        ? [HttpStatus.SERVICE_UNAVAILABLE, 'Storage is unavailable']
        : error instanceof StorageValidationError
          ? [HttpStatus.BAD_REQUEST, 'Invalid input']
          : [HttpStatus.INTERNAL_SERVER_ERROR, 'Storage error'];
    response.status(status).json({ statusCode: status, message: `${prefix}: ${error.message}` });
  }
}
