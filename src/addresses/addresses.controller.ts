import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PerUserCache } from '../common/decorators/cache-policy.decorator';
import { CacheTags } from '../http-cache/cache-tags';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { IdPipe } from '../common/pipes/id.pipe';
import { AddressesService } from './addresses.service';
import { AddressDto, UpdateAddressDto } from './dto/address.dto';
import { AddressListDto, AddressResponseDto } from './dto/address-response.dto';

/** The signed-in customer's saved shipping addresses (an account without a customer: 403). */
@ApiTags('addresses')
@ApiBearerAuth()
@ApiProblems(401, 403, 429, 503)
@Controller('auth/me/addresses')
export class AddressesController {
  constructor(private readonly addresses: AddressesService) {}

  @Get()
  // Fresh after any write to this customer's addresses.
  @PerUserCache((_body: AddressListDto, user) =>
    user?.customerId ? [CacheTags.addresses(user.customerId)] : [],
  )
  @ApiOperation({ summary: 'The saved addresses, oldest first', operationId: 'listAddresses' })
  list(@CurrentUser() user: AuthUser): Promise<AddressListDto> {
    return this.addresses.list(user);
  }

  @Post()
  @ApiOperation({
    summary: 'Save an address (at most 10: an 11th is 422)',
    operationId: 'createAddress',
  })
  @ApiProblems(400, 422)
  create(@CurrentUser() user: AuthUser, @Body() dto: AddressDto): Promise<AddressResponseDto> {
    return this.addresses.create(user, dto);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a saved address (orders placed with it keep their copy)',
    operationId: 'updateAddress',
  })
  @ApiProblems(400, 404)
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: number,
    @Body() dto: UpdateAddressDto,
  ): Promise<AddressResponseDto> {
    return this.addresses.update(user, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a saved address (orders placed with it keep their copy)',
    operationId: 'deleteAddress',
  })
  @ApiProblems(400, 404)
  remove(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.addresses.remove(user, id);
  }
}
