import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NoCache } from '../common/decorators/cache-policy.decorator';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { Roles } from '../common/decorators/roles.decorator';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { IdPipe } from '../common/pipes/id.pipe';
import { CustomersService } from './customers.service';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { CustomerQueryDto } from './dto/customer-query.dto';
import { CustomerPageDto, CustomerResponseDto } from './dto/customer-response.dto';
import { UpdateCustomerDto } from './dto/update-customer.dto';

/** Admin only. Reads are @NoCache(): they must show every write at once, and are not hot. */
@ApiTags('customers')
@ApiBearerAuth()
@Roles('admin')
@ApiProblems(401, 403, 429, 503)
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a customer (admin)', operationId: 'createCustomer' })
  @ApiProblems(400, 409)
  create(@Body() dto: CreateCustomerDto): Promise<CustomerResponseDto> {
    return this.customers.create(dto);
  }

  @Get()
  @NoCache()
  @ApiOperation({
    summary: 'List customers (admin; paginated, search over name, e-mail and phone)',
    operationId: 'listCustomers',
  })
  @ApiProblems(400)
  list(@CurrentUser() user: AuthUser, @Query() query: CustomerQueryDto): Promise<CustomerPageDto> {
    return this.customers.list(user, query);
  }

  @Get(':id')
  @NoCache()
  @ApiOperation({ summary: 'Get a customer (admin)', operationId: 'getCustomer' })
  @ApiProblems(400, 404)
  get(@Param('id', IdPipe) id: number): Promise<CustomerResponseDto> {
    return this.customers.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a customer (admin)', operationId: 'updateCustomer' })
  @ApiProblems(400, 404, 409)
  update(
    @Param('id', IdPipe) id: number,
    @Body() dto: UpdateCustomerDto,
  ): Promise<CustomerResponseDto> {
    return this.customers.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Delete a customer and its account (admin); 409 while it has orders or its account is the last administrator',
    operationId: 'deleteCustomer',
  })
  @ApiProblems(400, 404, 409)
  remove(@Param('id', IdPipe) id: number): Promise<void> {
    return this.customers.remove(id);
  }
}
