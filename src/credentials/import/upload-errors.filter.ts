import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { shown } from './display-name';
import { IMPORT_LIMITS, MAX_UPLOAD_FIELDS } from './import.constants';

type HttpResponse = { status(code: number): { json(body: unknown): void } };
type HttpRequest = Pick<IncomingMessage, 'complete' | 'once' | 'resume'>;

/**
 * Upload errors as clear JSON: multer's terse limit errors ("Too many files") say which cap was
 * passed and what to send instead; every other HTTP error is answered as it is. When a cap
 * stops the upload midway, the answer waits until the rest of the body has been read (and
 * dropped): answering earlier would make Node close the connection under a client still
 * sending, which then sees a reset instead of the 413.
 */
@Catch(HttpException)
export class UploadErrorsFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const [status, body] = describe(exception);
    const send = () => http.getResponse<HttpResponse>().status(status).json(body);
    if (request.complete) return send();
    request.once('end', send);
    request.resume();
  }
}

function describe(exception: HttpException): [number, unknown] {
  const cause = exception.cause as { code?: unknown; field?: unknown } | undefined;
  const tooMany = (message: string): [number, unknown] => [
    HttpStatus.PAYLOAD_TOO_LARGE,
    { statusCode: HttpStatus.PAYLOAD_TOO_LARGE, message: `${message}; nothing was stored` },
  ];
  switch (cause?.code) {
    case 'LIMIT_FILE_COUNT':
      return tooMany(`Too many files: at most ${IMPORT_LIMITS.maxFiles} per upload`);
    case 'LIMIT_PART_COUNT':
      return tooMany(
        `Too many parts: at most ${IMPORT_LIMITS.maxFiles} files and ${MAX_UPLOAD_FIELDS} fields per upload`,
      );
    case 'LIMIT_UNEXPECTED_FILE':
      return [
        HttpStatus.BAD_REQUEST,
        {
          statusCode: HttpStatus.BAD_REQUEST,
          message: `Unexpected file field "${shown(String(cause.field ?? ''))}": send credential files in the field "files"`,
        },
      ];
  }
  const status = exception.getStatus();
  const body = exception.getResponse();
  return [status, typeof body === 'string' ? { statusCode: status, message: body } : body];
}
