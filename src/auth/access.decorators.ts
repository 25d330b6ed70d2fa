import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'claims:public-route';

/**
 * Marks a route as open to anyone, on purpose. Every other route must declare an access policy;
 * the access guard refuses a route that declares neither, so an endpoint cannot ship open by accident.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
